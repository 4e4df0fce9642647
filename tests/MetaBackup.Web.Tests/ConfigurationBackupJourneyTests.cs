using MetaBackup.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>
/// The seed's operator in a browser (docs/ui.md): first run → a profile and its Recovery Kit → a local destination →
/// Settings → System Tasks → Configuration Backup → Run now; then, on a second, fresh server, the restore wizard.
/// </summary>
public sealed class ConfigurationBackupJourneyTests(Browser browser) : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private RunningServer _first = null!;

    public async ValueTask InitializeAsync() => _first = await RunningServer.StartAsync(TestKeys.A);

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Run_now_shows_the_run_succeeded_in_the_history_with_its_file_and_size()
    {
        var (_, backup) = await MakeBackupAsync();

        Assert.True(File.Exists(backup), backup);
        Assert.EndsWith(".json.gz.enc", backup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_made_with_Run_now_restores_on_a_second_server_to_the_same_configuration()
    {
        var (kit, backup) = await MakeBackupAsync();
        await using var second = await RunningServer.StartAsync(TestKeys.B);
        await using var ui = await Ui.OpenAsync(browser, second);
        await ui.FirstRunAsync("stand-in@example.com");

        // Source → the key (no profile in this vault opens it: the kit) → validation → full → the plan → apply.
        await ui.UploadBackupAsync(backup);
        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "The key" })).ToBeVisibleAsync();
        await ui.ScreenshotAsync("restore-2-key");
        await ui.GiveKitAsync(kit);
        await Expect(ui.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("The backup is valid");
        await ui.ScreenshotAsync("restore-3-validation");
        await ui.PlanAsync("Full");

        // Deletions come first, highlighted, and the confirmation names them.
        var classes = await ui.Page.Locator("#plan tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.className)");
        var deletions = classes.TakeWhile(c => c == "delete").Count();
        Assert.True(deletions > 0 && classes.Skip(deletions).All(c => c != "delete"), string.Join(",", classes));
        await Expect(ui.Page.Locator("#plan tbody tr.delete", new() { HasTextString = "stand-in@example.com" })).ToBeVisibleAsync();
        await Expect(ui.Page.Locator("input[name=ConfirmDeletions] >> xpath=..")).ToContainTextAsync("users “stand-in@example.com”");
        await ui.ScreenshotAsync("restore-5-plan");
        await ui.ApplyAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Status).First).ToContainTextAsync("The backup was applied");
        await ui.ScreenshotAsync("restore-7-result");

        await using var a = await _first.OpenStoreAsync();
        await using var b = await second.OpenStoreAsync();
        Assert.Equal(await ConfigurationText.OfAsync(a), await ConfigurationText.OfAsync(b));
    }

    /// <summary>The first server's journey up to a successful Run now; returns the Recovery Kit and the backup file.</summary>
    private async Task<(string Kit, string Backup)> MakeBackupAsync()
    {
        var destination = Directory.CreateDirectory(_files.Combine("destination")).FullName;
        await using var ui = await Ui.OpenAsync(browser, _first);
        await ui.FirstRunAsync("operator@example.com");
        var kit = await ui.CreateProfileAsync("offsite", _files.Path);
        Assert.Contains("RECOVERY KIT", (await File.ReadAllTextAsync(kit)).ToUpperInvariant(), StringComparison.Ordinal);
        await ui.AddLocalDestinationAsync("backups", destination);
        await ui.ConfigureBackupAsync("backups", "offsite", includeSecrets: true);

        var latest = await ui.RunNowAsync();
        await Expect(latest).ToContainTextAsync("succeeded");
        await Expect(latest).ToContainTextAsync("manual");
        var file = (await latest.Locator("td").Nth(5).InnerTextAsync()).Trim();
        var size = (await latest.Locator("td").Nth(6).InnerTextAsync()).Trim();
        Assert.Matches(@"^config_backup_.*\.json\.gz\.enc$", file);
        Assert.Matches(@"^[0-9.]+ (B|KiB|MiB)$", size);
        await ui.ScreenshotAsync("config-backup");
        return (kit, Path.Combine(destination, file));
    }
}
