using System.Globalization;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
using MetaBackup.Server.Hosting;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Issue 14: several `serve` processes on one PostgreSQL database and one destination (docs/database.md, "Several
/// instances"), each with a data directory of its own and its scheduler on. Their clocks run six times faster than real
/// time from one origin (<see cref="ScaledClock"/>), so a schedule due every minute comes due every ten seconds, for all
/// three at once; run leases are judged by the database's clock, in real time.
/// </summary>
public sealed class SeveralServeInstancesTests
{
    private const int Rate = 6;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Three_instances_run_each_scheduled_occurrence_exactly_once_even_when_one_is_killed_in_the_middle_of_a_run()
    {
        Assert.SkipUnless(TestDatabase.IsPostgres, "Several serve instances share one PostgreSQL database: this test runs in the PostgreSQL pass (./run-tests).");
        using var setup = new CliRunner();
        setup.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        setup.Environment[RunClaimant.LeaseVariable] = Lease.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        setup.Environment[ScaledClock.Variable] = $"{Rate}x from {DateTimeOffset.UtcNow:O}";
        var destination = Path.Combine(setup.WorkingDirectory, "backups");
        await ConfigureAsync(setup, destination);

        using var elsewhere = new TempDirectory();
        Directory.CreateDirectory(elsewhere.Combine("b"));
        Directory.CreateDirectory(elsewhere.Combine("c"));
        var servers = new List<ServeProcess>();
        DateTimeOffset killedDue;
        List<TaskRun> runs;
        try
        {
            servers.Add(ServeProcess.Start(setup));
            servers.Add(ServeProcess.Start(elsewhere.Combine("b", "data"), setup.Environment));
            servers.Add(ServeProcess.Start(elsewhere.Combine("c", "data"), setup.Environment));
            await Task.WhenAll(servers.Select(s => s.WaitUntilListeningAsync()));

            // Two occurrences run as usual; then the instance running the third is killed in the middle of its run.
            var killed = await WaitForAsync(setup, runs => runs.Count(r => r.DueAt is not null) >= 3
                ? runs.FirstOrDefault(r => r.Status == RunStatus.Running && r.DueAt >= runs.Where(d => d.DueAt is not null).Min(d => d.DueAt)!.Value + 2 * Minute)
                : null, TimeSpan.FromSeconds(90));
            killedDue = killed.DueAt!.Value;
            var owner = servers.Single(s => killed.Owner!.Split(':')[1] == s.ProcessId.ToString(CultureInfo.InvariantCulture));
            await owner.KillAsync();

            // At least ten occurrences in all, and two after the one killed; every run of them ended.
            runs = await WaitForAsync(setup, runs =>
            {
                var ended = runs.Where(r => r.DueAt is not null && r.Status is not (RunStatus.Queued or RunStatus.Running)).ToList();
                return ended.Count >= 11 && ended.Max(r => r.DueAt) >= killedDue + 2 * Minute && ended.Count == runs.Count(r => r.DueAt is not null) ? ended : null;
            }, TimeSpan.FromMinutes(3));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }

        // Every occurrence from the first to the last has exactly one run record: one after another, a minute apart.
        var dues = runs.Select(r => r.DueAt!.Value).Order().ToList();
        Assert.Equal(Enumerable.Range(0, dues.Count).Select(i => dues[0] + (i * Minute)), dues);
        Assert.All(runs, r => Assert.Equal(RunTrigger.Scheduled, r.Trigger));
        var interrupted = Assert.Single(runs, r => r.Status != RunStatus.Succeeded);
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Equal(killedDue, interrupted.DueAt);
        Assert.Equal(RunStatus.Succeeded, runs.Single(r => r.DueAt == killedDue + Minute).Status);
        Assert.True(runs.Select(r => r.Owner).Distinct().Count() >= 2, "the occurrences were all run by one instance");

        // The destination holds exactly one backup per successful run, and nothing of the killed one.
        var backups = Directory.GetFiles(destination).Select(Path.GetFileName).Where(f => BackupCatalog.IsBackup(f!)).Order();
        Assert.Equal(runs.Where(r => r.Status == RunStatus.Succeeded).Select(r => r.File).Order(), backups);
    }

    /// <summary>A sample configuration with enough records that a run lasts a moment; a backup every minute to a local directory, all kept.</summary>
    private static async Task ConfigureAsync(CliRunner cli, string destination)
    {
        await cli.OkAsync("init");
        await using (var session = await cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            await SampleConfiguration.AddBulkGroupsAsync(session, 3000);
        }

        await cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={destination}");
        foreach (var (key, value) in new[]
        {
            ("config.backup.storageId", "disk"), ("config.backup.encryptionProfileId", "offsite"), ("config.backup.includeSecrets", "true"),
            ("config.backup.retention", "100"), ("config.backup.schedule", "* * * * *"), ("config.backup.enabled", "true"),
        })
        {
            await cli.OkAsync("settings", "set", key, value);
        }
    }

    /// <summary>Reads the runs every 50 ms until <paramref name="found"/> finds what it waits for.</summary>
    private static async Task<T> WaitForAsync<T>(CliRunner cli, Func<List<TaskRun>, T?> found, TimeSpan patience) where T : class
    {
        var deadline = DateTime.UtcNow + patience;
        List<TaskRun> runs = [];
        while (DateTime.UtcNow < deadline)
        {
            await using (var session = await cli.OpenStoreAsync())
            {
                runs = await session.Db.TaskRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
            }

            if (found(runs) is { } result)
            {
                return result;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Not reached in {patience}; runs: {string.Join("; ", runs.Select(r => $"{r.Id} {r.DueAt:HH:mm} {r.Status} {r.Owner} {r.Error}"))}");
        return null!;
    }
}
