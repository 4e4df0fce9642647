using MetaBackup.Core.Scheduling;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>
/// Run now's progress and outcome reach the page without a reload (docs/ui.md): while a run is queued or running,
/// the run section asks the server for itself again. A real run finishes too fast to watch, so here the run record
/// is moved along in the database by the test, as the worker would; the page is never navigated meanwhile.
/// </summary>
public sealed class RunProgressTests(Browser browser) : IAsyncLifetime
{
    /// <summary>The instance running it, as a claim names it (docs/database.md, "Several instances").</summary>
    private const string RunningInstance = "backup-host-2:4242:0a0b0c0d";

    private RunningServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await RunningServer.StartAsync(TestKeys.A);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_run_in_progress_shows_its_outcome_without_a_reload()
    {
        await using var ui = await Ui.OpenAsync(browser, _server);
        await ui.FirstRunAsync("admin@example.com");
        long id;
        await using (var store = await _server.OpenStoreAsync())
        {
            var run = new TaskRun
            {
                Task = ConfigBackupTask.Name, Trigger = RunTrigger.Manual, StartedAt = DateTimeOffset.UtcNow, Status = RunStatus.Running,
                Owner = RunningInstance, LeaseUntil = DateTimeOffset.UtcNow.AddHours(1),
            };
            store.Db.TaskRuns.Add(run);
            await store.Db.SaveChangesAsync();
            id = run.Id;
        }

        await ui.GoAsync("/settings/system-tasks/config-backup");
        await Expect(ui.Page.Locator("#run-state")).ToContainTextAsync("running");
        await Expect(ui.Button("Run now")).ToBeDisabledAsync();
        var navigations = 0;
        ui.Page.FrameNavigated += (_, frame) => navigations += frame == ui.Page.MainFrame ? 1 : 0;

        await using (var store = await _server.OpenStoreAsync())
        {
            var run = await store.Db.TaskRuns.SingleAsync(r => r.Id == id);
            (run.Status, run.EndedAt, run.File, run.Size) = (RunStatus.Succeeded, DateTimeOffset.UtcNow, "config_backup_2026-11-25T12-00-00-000Z.json.gz.enc", 2048);
            await store.Db.SaveChangesAsync();
        }

        await Expect(ui.Page.Locator("#run-state")).ToContainTextAsync("succeeded");
        await Expect(ui.Page.Locator("#runs tbody tr").First).ToContainTextAsync("config_backup_2026-11-25T12-00-00-000Z.json.gz.enc");
        await Expect(ui.Page.Locator("#runs tbody tr").First).ToContainTextAsync("2.0 KiB");
        await Expect(ui.Page.Locator("#runs tbody tr").First).ToContainTextAsync(RunningInstance);
        await Expect(ui.Button("Run now")).ToBeEnabledAsync();
        Assert.Equal(0, navigations);
    }
}
