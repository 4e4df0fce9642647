using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>
/// A person at a browser tab on one server: what they do, in the words the pages use (labels, buttons, links) —
/// the journeys read like the operator's. Every page visited can be scanned for accessibility and photographed.
/// </summary>
public sealed partial class Ui(IBrowserContext context, IPage page, RunningServer server) : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    /// <summary>How long an action or expectation waits (see <see cref="Browser"/>).</summary>
    public const float Timeout = 45_000;

    public IPage Page => page;

    public RunningServer Server => server;

    public static async Task<Ui> OpenAsync(Browser browser, RunningServer server, int width = 1280)
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address.ToString().TrimEnd('/'),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        context.SetDefaultTimeout(Timeout);
        return new Ui(context, await context.NewPageAsync(), server);
    }

    public Task GoAsync(string path) => page.GotoAsync(path);

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Link(string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Field(string label) => page.GetByLabel(label, new() { Exact = true });

    public async Task FirstRunAsync(string email)
    {
        await GoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await Field("Email").FillAsync(email);
        await Field("Display name").FillAsync("The Operator");
        await Field("Password").FillAsync(Password);
        await Field("Password again").FillAsync(Password);
        await Button("Create administrator and sign in").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }

    public async Task SignInAsync(string email, string password = Password)
    {
        await GoAsync("/signin");
        await Field("Email").FillAsync(email);
        await Field("Password").FillAsync(password);
        await Button("Sign in").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }

    public async Task SignOutAsync()
    {
        await Button("Sign out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
    }

    /// <summary>Creates a profile in the vault and downloads the Recovery Kit the page offers at once; returns the kit's path.</summary>
    public async Task<string> CreateProfileAsync(string name, string downloadTo)
    {
        await GoAsync("/vault");
        await Field("Name").FillAsync(name);
        await Button("Create profile").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Profile “{name}” created" })).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-kit").ClickAsync());
        var path = Path.Combine(downloadTo, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        return path;
    }

    public async Task AddLocalDestinationAsync(string name, string path)
    {
        await GoAsync("/adapters/storage");
        await Link("Add a storage destination").ClickAsync();
        await Field("Type").SelectOptionAsync("local");
        await Button("Next").ClickAsync();
        await Field("Name *").FillAsync(name);
        await Field("path *").FillAsync(path);
        await Button("Save").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Settings → System Tasks → Configuration Backup: destination, profile, secrets, saved.</summary>
    public async Task ConfigureBackupAsync(string destination, string profile, bool includeSecrets)
    {
        await GoAsync("/settings/system-tasks/config-backup");
        await Field("Destination").SelectOptionAsync(new SelectOptionValue { Label = $"{destination} (local)" });
        var option = page.Locator("#profile option", new() { HasTextString = profile });
        await Field("Encryption Profile").SelectOptionAsync(await option.First.GetAttributeAsync("value") ?? "");
        await page.GetByLabel("Include secrets (passwords, keys) — needs an Encryption Profile").SetCheckedAsync(includeSecrets);
        await Button("Save settings").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Settings saved.");
    }

    /// <summary>Presses Run now and waits — without reloading — for the run section to show the outcome; returns the newest history row.</summary>
    public async Task<ILocator> RunNowAsync()
    {
        await GoAsync("/settings/system-tasks/config-backup");
        await Button("Run now").ClickAsync();
        await Expect(page.Locator("#run-state")).ToContainTextAsync("succeeded", new() { Timeout = 60_000 });
        return page.Locator("#runs tbody tr").First;
    }

    /// <summary>Restore wizard, step 1: uploads a backup file.</summary>
    public async Task UploadBackupAsync(string path)
    {
        await GoAsync("/restore");
        await Field("Backup file").SetInputFilesAsync(path);
        await Button("Upload and check").ClickAsync();
    }

    public async Task GiveKitAsync(string kitPath)
    {
        await Field("Recovery Kit file").First.SetInputFilesAsync(kitPath);
        await Button("Use this key").First.ClickAsync();
    }

    public async Task PlanAsync(string mode)
    {
        await page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex($"^{mode} —") }).CheckAsync();
        await Button("Show the plan").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^The plan") })).ToBeVisibleAsync();
    }

    public async Task ApplyAsync()
    {
        var confirm = page.Locator("input[name=ConfirmDeletions]");
        if (await confirm.CountAsync() > 0)
        {
            await confirm.CheckAsync();
        }

        await Button("Apply this plan").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Result" })).ToBeVisibleAsync();
    }

    /// <summary>Axe's serious and critical findings on the page as it is now, one line each.</summary>
    public async Task<IReadOnlyList<string>> AccessibilityProblemsAsync()
    {
        var results = await page.RunAxe();
        return [.. results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{page.Url}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")];
    }

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.Screenshots, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
