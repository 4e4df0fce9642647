using System.Text.RegularExpressions;
using MetaBackup.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>
/// Every page, on a server with something in every area (docs/ui.md, "Accessibility"): an axe scan finds no serious or
/// critical violation, every form that posts carries an antiforgery token, nothing is wider than a phone, and each page
/// leaves a screenshot in .artifacts/screenshots.
/// </summary>
public sealed class EveryPageTests(Browser browser) : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private RunningServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await RunningServer.StartAsync(TestKeys.A);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Every_page_passes_an_axe_scan_protects_its_forms_and_fits_a_phone()
    {
        var pages = await SeedAsync();
        var problems = new List<string>();
        foreach (var width in new[] { 1280, 390 })
        {
            await using var ui = await Ui.OpenAsync(browser, _server, width);
            await ui.SignInAsync("admin@example.com");
            foreach (var (name, path) in pages)
            {
                var response = await ui.Page.GotoAsync(path);
                Assert.True(response!.Ok, $"{path}: {response.Status}");
                problems.AddRange(await ui.AccessibilityProblemsAsync());
                var unprotected = await ui.Page.Locator("form[method=post]").EvaluateAllAsync<int>(
                    "forms => forms.filter(f => !f.querySelector('input[name=__RequestVerificationToken]')).length");
                if (unprotected > 0)
                {
                    problems.Add($"{path}: {unprotected} form(s) without an antiforgery token");
                }

                if (width < 500 && await ui.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1")
                    && await ui.Page.Locator("main .table-wrap").CountAsync() == 0)
                {
                    problems.Add($"{path}: wider than a phone ({width}px)");
                }

                await ui.ScreenshotAsync(width < 500 ? $"phone-{name}" : name);
            }
        }

        // The pages before a session: first run on a new server, and sign-in.
        await using (var fresh = await RunningServer.StartAsync(TestKeys.B))
        await using (var ui = await Ui.OpenAsync(browser, fresh))
        {
            await ui.GoAsync("/");
            problems.AddRange(await ui.AccessibilityProblemsAsync());
            await ui.ScreenshotAsync("first-run");
        }

        await using (var ui = await Ui.OpenAsync(browser, _server))
        {
            await ui.GoAsync("/signin");
            problems.AddRange(await ui.AccessibilityProblemsAsync());
            await ui.ScreenshotAsync("sign-in");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Keyboard_alone_reaches_the_content_and_shows_where_focus_is()
    {
        await using var ui = await Ui.OpenAsync(browser, _server);
        await ui.FirstRunAsync("admin@example.com");
        await ui.GoAsync("/");
        await ui.Page.Keyboard.PressAsync("Tab");
        var skip = ui.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Expect(skip).ToBeFocusedAsync();
        var outline = await skip.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        await ui.Page.Keyboard.PressAsync("Enter");
        await Expect(ui.Page).ToHaveURLAsync(new Regex("#main$"));
    }

    /// <summary>Something in every area, through the pages; returns each page to visit by a screenshot name.</summary>
    private async Task<IReadOnlyList<(string Name, string Path)>> SeedAsync()
    {
        await using var ui = await Ui.OpenAsync(browser, _server);
        await ui.FirstRunAsync("admin@example.com");
        await ui.CreateProfileAsync("offsite", _files.Path);
        var profileId = await ui.Page.Locator("a[href$='/kit']").First.GetAttributeAsync("href");
        await ui.AddLocalDestinationAsync("backups", Directory.CreateDirectory(_files.Combine("destination")).FullName);
        await ui.GoAsync("/adapters/database/new/edit?type=postgres");
        await ui.Field("Name *").FillAsync("orders");
        await ui.Field("host *").FillAsync("db.internal");
        await ui.Field("database *").FillAsync("orders");
        await ui.Button("Save").ClickAsync();
        await ui.GoAsync("/credentials/new");
        await ui.Field("Name").FillAsync("shared");
        await ui.Field("password").FillAsync("credential-secret");
        await ui.Button("Save").ClickAsync();
        await ui.GoAsync("/jobs/new");
        await ui.Field("Name").FillAsync("nightly");
        await ui.Page.GetByLabel("backups (local)").CheckAsync();
        await ui.Button("Save").ClickAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved “nightly”");
        await ui.ConfigureBackupAsync("backups", "offsite", includeSecrets: true);
        await ui.RunNowAsync();
        await ui.UploadBackupAsync(Directory.GetFiles(_files.Combine("destination"), "config_backup_*.json.gz.enc").Single());
        var restore = new Uri(ui.Page.Url).AbsolutePath;
        await ui.GoAsync("/api-keys");
        await ui.Field("Name").FillAsync("monitoring");
        await ui.Page.GetByLabel("tasks.read", new() { Exact = true }).CheckAsync();
        await ui.Button("Create key").ClickAsync();
        await ui.ScreenshotAsync("api-key-shown-once");

        return
        [
            ("dashboard", "/"), ("config-backup", "/settings/system-tasks/config-backup"), ("vault", "/vault"), ("vault-kit", profileId!),
            ("export", "/export"), ("restore-1-source", "/restore"), ("restore-4-mode", restore),
            ("databases", "/adapters/database"), ("database-edit", "/adapters/database/new/edit?type=postgres"),
            ("storage", "/adapters/storage"), ("storage-new", "/adapters/storage/new/edit"), ("notifications", "/adapters/notification"),
            ("credentials", "/credentials"), ("credential-edit", "/credentials/new"), ("jobs", "/jobs"), ("job-edit", "/jobs/new"),
            ("settings", "/settings"), ("users", "/users"), ("user-edit", "/users/new"), ("groups", "/groups"), ("group-edit", "/groups/new"),
            ("sso", "/sso"), ("sso-edit", "/sso/new"), ("api-keys", "/api-keys"), ("audit", "/audit"),
        ];
    }
}
