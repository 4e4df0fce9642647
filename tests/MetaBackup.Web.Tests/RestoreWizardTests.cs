using System.Text.RegularExpressions;
using MetaBackup.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>The restore wizard's harder days (docs/ui.md, "Restore wizard"): a backup without secrets, and a wrong Recovery Kit.</summary>
public sealed class RestoreWizardTests(Browser browser) : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private RunningServer _first = null!;
    private RunningServer _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await RunningServer.StartAsync(TestKeys.A);
        _second = await RunningServer.StartAsync(TestKeys.B);
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task After_restoring_a_backup_without_secrets_entering_a_password_from_the_result_removes_it_from_the_list()
    {
        var (kit, backup) = await BackupWithDatabaseAsync(includeSecrets: false);
        await using var ui = await Ui.OpenAsync(browser, _second);
        await ui.FirstRunAsync("second@example.com");
        var beforeRestore = _second.ConfigurationDump();
        await ui.UploadBackupAsync(backup);
        await ui.GiveKitAsync(kit);
        await ui.PlanAsync("Merge");
        await ui.ApplyAsync();

        var needsSecret = ui.Page.Locator("#needs-secret li");
        await ui.ScreenshotAsync("restore-7-result-needs-secret");
        await Expect(needsSecret.Filter(new() { HasTextString = "“database/orders”: password" })).ToHaveCountAsync(1);
        var before = await needsSecret.CountAsync();

        await ui.Page.GetByLabel("adapters “database/orders”: password").FillAsync("s3cret-entered-after-restore");
        await needsSecret.Filter(new() { HasTextString = "“database/orders”: password" }).GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(ui.Page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Saved the password");
        var result = new Uri(ui.Page.Url).AbsolutePath;
        await Expect(needsSecret.Filter(new() { HasTextString = "“database/orders”" })).ToHaveCountAsync(0);
        Assert.Equal(before - 1, await needsSecret.CountAsync());

        // The adapter now holds it: the list of databases says so, without showing it.
        await ui.GoAsync("/adapters/database");
        await Expect(ui.Page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("orders") })).ToContainTextAsync("password: set");
        Assert.DoesNotContain("s3cret-entered-after-restore", await ui.Page.ContentAsync(), StringComparison.Ordinal);

        // One click rolls it all back to the safety snapshot the restore took: the configuration is as before it.
        await ui.GoAsync(result);
        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Result" })).ToBeVisibleAsync();
        await ui.Button("Roll back to the safety snapshot").ClickAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Rolled back to the safety snapshot");
        Assert.Equal(beforeRestore, _second.ConfigurationDump());
    }

    [Fact]
    public async Task A_wrong_kit_keeps_the_wizard_on_the_key_step_naming_both_fingerprints_and_changes_nothing()
    {
        var (kit, backup) = await BackupWithDatabaseAsync(includeSecrets: true);
        await using var ui = await Ui.OpenAsync(browser, _second);
        await ui.FirstRunAsync("second@example.com");
        var wrongKit = await ui.CreateProfileAsync("not-the-one", Directory.CreateDirectory(_files.Combine("wrong")).FullName);
        var before = _second.ConfigurationDump();

        await ui.UploadBackupAsync(backup);
        await ui.GiveKitAsync(wrongKit);

        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "The key" })).ToBeVisibleAsync();
        var error = ui.Page.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync(Fingerprint(kit));
        await Expect(error).ToContainTextAsync(Fingerprint(wrongKit));
        await ui.ScreenshotAsync("restore-2-key-wrong-kit");
        Assert.Equal(before, _second.ConfigurationDump());

        // The right kit still works from the same step.
        await ui.GiveKitAsync(kit);
        await Expect(ui.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("The backup is valid");
    }

    private static string Fingerprint(string kitPath) =>
        Regex.Match(File.ReadAllText(kitPath), "[0-9a-f]{32}").Value is { Length: 32 } fingerprint ? fingerprint : throw new InvalidOperationException("The kit names no fingerprint.");

    /// <summary>On the first server: a profile, a destination, a database adapter with a password, and a Run now.</summary>
    private async Task<(string Kit, string Backup)> BackupWithDatabaseAsync(bool includeSecrets)
    {
        var destination = Directory.CreateDirectory(_files.Combine("destination")).FullName;
        await using var ui = await Ui.OpenAsync(browser, _first);
        await ui.FirstRunAsync("first@example.com");
        var kit = await ui.CreateProfileAsync("offsite", _files.Path);
        await ui.AddLocalDestinationAsync("backups", destination);

        await ui.GoAsync("/adapters/database/new/edit?type=postgres");
        await ui.Field("Name *").FillAsync("orders");
        await ui.Field("host *").FillAsync("db.internal");
        await ui.Field("database *").FillAsync("orders");
        await ui.Field("password").FillAsync("s3cret-on-the-first-server");
        await ui.Button("Save").ClickAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("orders") })).ToContainTextAsync("password: set");

        await ui.ConfigureBackupAsync("backups", "offsite", includeSecrets);
        var latest = await ui.RunNowAsync();
        return (kit, Path.Combine(destination, (await latest.Locator("td").Nth(5).InnerTextAsync()).Trim()));
    }
}
