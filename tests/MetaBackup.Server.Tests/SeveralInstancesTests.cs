using System.Net;
using System.Text.Json.Nodes;
using MetaBackup.Core.Scheduling;
using MetaBackup.Server.Testing;
using MetaBackup.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Several server instances on one database (docs/database.md, "Several instances"): two servers, each with a data
/// directory of its own, on the database the tests run on.
/// </summary>
public sealed class SeveralInstancesTests : IAsyncLifetime
{
    private const string RunNow = "/api/v1/tasks/config-backup/runs";
    private readonly TempDirectory _destination = new();
    private RunningServer _a = null!;
    private RunningServer _b = null!;

    public async ValueTask InitializeAsync()
    {
        _a = await RunningServer.StartAsync(TestKeys.A);
        _b = await RunningServer.StartOnSameDatabaseAsync(_a);
    }

    public async ValueTask DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        _destination.Dispose();
    }

    [Fact]
    public async Task A_sign_in_made_through_one_instance_is_valid_on_the_other_and_its_keys_are_sealed_in_the_database()
    {
        using var atA = _a.Client();
        await atA.SetUpAsync("admin@example.com");
        using var atB = atA.At(_b.Address);

        var session = ApiClient.Expect(HttpStatusCode.OK, await atB.GetAsync("/api/v1/session"));
        ApiClient.Expect(HttpStatusCode.Created, await atB.PostAsync("/api/v1/groups", new { name = "made-through-b", permissions = new[] { "jobs.read" } }));

        Assert.Equal("user:admin@example.com", session.Json["actor"]!.GetValue<string>());
        ApiClient.Expect(HttpStatusCode.OK, await atA.GetAsync("/api/v1/groups/made-through-b"));
        var dump = DatabaseDump.Of(_a.Environment, _a.DataDirectory.DatabasePath);
        Assert.Contains("## server_keys", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", dump, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_a.DataDirectory.Root, "server-keys")));
    }

    [Fact]
    public async Task Two_Run_now_requests_on_two_instances_at_once_run_once_and_the_other_is_told_which_run_is_running()
    {
        using var atA = _a.Client();
        await atA.SetUpAsync("admin@example.com");
        using var atB = atA.At(_b.Address);
        await ConfigureBackupsAsync(atA);
        // A configuration large enough that a run lasts seconds, and both instances warm, so that the requests meet
        // while the first run is still going (the two requests may reach their servers a few hundred milliseconds apart).
        await using (var store = await _a.OpenStoreAsync())
        {
            await SampleConfiguration.AddBulkGroupsAsync(store, 20_000);
        }

        ApiClient.Expect(HttpStatusCode.OK, await atA.GetAsync("/api/v1/tasks/runs"));
        ApiClient.Expect(HttpStatusCode.OK, await atB.GetAsync("/api/v1/tasks/runs"));

        // The writers' lock is held here while both requests arrive, so that their claims wait for it together and meet
        // whatever the machine's speed: sent at once, they once reached their servers 300 ms apart on a loaded machine,
        // by when the first run had finished, and both were rightly accepted one after the other.
        ApiResponse[] answers;
        await using (var holder = await _a.OpenStoreAsync())
        {
            await using var writersLock = await holder.BeginWriteAsync(CancellationToken.None);
            Task<ApiResponse>[] requests = [atA.PostAsync(RunNow), atB.PostAsync(RunNow)];
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.All(requests, r => Assert.False(r.IsCompleted, "a claim did not wait for the writers' lock"));
            await writersLock.RollbackAsync();
            answers = await Task.WhenAll(requests);
        }

        var accepted = Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted);
        var refused = Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict);
        var runId = accepted.Json["id"]!.GetValue<long>();
        Assert.Equal("conflict", refused.Code);
        Assert.Contains($"({runId}) is already", refused.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(runId.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Json["details"]!["runId"]!.GetValue<string>());
        var run = await FinishedAsync(atA, runId);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        var runs = ApiClient.Expect(HttpStatusCode.OK, await atB.GetAsync("/api/v1/tasks/runs")).Json.AsArray();
        Assert.Equal([runId], runs.Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal([run["file"]!.GetValue<string>()], Directory.GetFiles(_destination.Path).Select(Path.GetFileName).Where(f => Core.Storage.BackupCatalog.IsBackup(f!)));
    }

    [Fact]
    public async Task A_schedule_switched_on_through_one_instance_is_run_by_another_instances_scheduler()
    {
        // A third instance runs its scheduler on a clock the test moves; the two others run none.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 58, 0, TimeSpan.Zero));
        await using var scheduling = await RunningServer.StartOnSameDatabaseAsync(_a, settings => settings with { RunScheduler = true, Clock = clock });
        using var atA = _a.Client();
        await atA.SetUpAsync("admin@example.com");
        await ConfigureBackupsAsync(atA);
        foreach (var (key, value) in new[] { ("system.timezone", "UTC"), ("config.backup.schedule", "0 3 * * *"), ("config.backup.enabled", "true") })
        {
            ApiClient.Expect(HttpStatusCode.OK, await atA.PutAsync($"/api/v1/settings/{key}", new { value }));
        }

        // Its scheduler re-reads the settings every check interval: move its clock a check at a time up to 03:10 (the
        // occurrence is at 03:00, the next a day later), and give it up to a minute of real time on a busy machine.
        JsonArray runs = [];
        var deadline = DateTime.UtcNow.AddMinutes(1);
        for (var step = 0; runs.Count == 0 && DateTime.UtcNow < deadline; step++)
        {
            if (step < 24)
            {
                clock.Advance(ConfigBackupScheduler.CheckInterval);
            }

            await Task.Delay(300);
            runs = ApiClient.Expect(HttpStatusCode.OK, await atA.GetAsync("/api/v1/tasks/runs")).Json.AsArray();
        }

        var run = Assert.Single(runs)!;
        Assert.Equal("scheduled", run["trigger"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero), run["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(scheduling.Services.GetRequiredService<RunClaimant>().Name, run["owner"]!.GetValue<string>());
        Assert.Equal("succeeded", (await FinishedAsync(atA, run["id"]!.GetValue<long>()))["status"]!.GetValue<string>());
    }

    /// <summary>Configuration backups to a local directory, under a new profile, with secrets.</summary>
    private async Task ConfigureBackupsAsync(ApiClient api)
    {
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/profiles", new { name = "offsite" }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/adapters", new { kind = "storage", type = "local", name = "backups", config = new { path = _destination.Path } }));
        foreach (var (key, value) in new[] { ("config.backup.storageId", "backups"), ("config.backup.encryptionProfileId", "offsite"), ("config.backup.includeSecrets", "true") })
        {
            ApiClient.Expect(HttpStatusCode.OK, await api.PutAsync($"/api/v1/settings/{key}", new { value }));
        }
    }

    private static async Task<JsonNode> FinishedAsync(ApiClient api, long runId)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            var run = ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync($"/api/v1/tasks/runs/{runId}")).Json;
            if (run["status"]!.GetValue<string>() is not ("queued" or "running") || DateTime.UtcNow > deadline)
            {
                return run;
            }
        }
    }
}
