using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MetaBackup.Core.Tests.Scheduling;

/// <summary>
/// Runs claimed in the database (docs/database.md, "Several instances"): each instance is a claimant with a name of its
/// own on one database. Another instance's run is the record it wrote — live, or as a killed instance leaves it: running,
/// with a claim that ran out.
/// </summary>
public sealed class RunClaimTests : IDisposable
{
    private static readonly BackupStores Stores = new([new LocalBackupStoreFactory()]);
    private static readonly RunClaimant A = new("instance-a:101:aaaaaaaa", TimeSpan.FromMinutes(1));
    private static readonly RunClaimant B = new("instance-b:202:bbbbbbbb", TimeSpan.FromMinutes(1));
    private readonly TempDirectory _destination = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 58, 0, TimeSpan.Zero));
    private readonly TestStore _test = new();

    public RunClaimTests() => _test.Clock = _clock;

    public void Dispose()
    {
        _test.Dispose();
        _destination.Dispose();
    }

    [Fact]
    public async Task A_run_another_instance_holds_refuses_a_second_run_naming_it_and_records_nothing()
    {
        await LocalBackups.ConfigureAsync(_test, _destination.Path);
        var held = await RecordAsync(new TaskRun { Task = ConfigBackupTask.Name, Status = RunStatus.Running, Owner = B.Name, LeaseUntil = await DatabaseNowAsync() + TimeSpan.FromHours(1) });

        await using var session = await _test.Store().OpenAsync();
        var error = await Assert.ThrowsAsync<ConflictException>(() => Queue(A).EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None));

        Assert.Contains($"({held.Id}) is already running on {B.Name}", error.Message, StringComparison.Ordinal);
        Assert.Equal(held.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Details["runId"]);
        Assert.Equal([held.Id], (await RunsAsync()).Select(r => r.Id));
        Assert.Empty(Directory.GetFiles(_destination.Path));
    }

    [Fact]
    public async Task A_run_whose_instance_died_is_closed_as_interrupted_once_its_claim_ran_out_and_what_it_had_uploaded_is_removed()
    {
        await LocalBackups.ConfigureAsync(_test, _destination.Path, retention: 10);
        var first = await RunAsync(A);
        // B was killed while it uploaded: its record names the file, which is in the destination; its claim ran out a second ago.
        var half = first.File!.Replace("2026-", "2025-", StringComparison.Ordinal);
        Assert.NotEqual(first.File, half);
        File.Copy(_destination.Combine(first.File!), _destination.Combine(half));
        File.Copy(_destination.Combine(BackupSidecar.NameFor(first.File!)), _destination.Combine(BackupSidecar.NameFor(half)));
        var dead = await RecordAsync(new TaskRun { Task = ConfigBackupTask.Name, Status = RunStatus.Running, Owner = B.Name, LeaseUntil = await DatabaseNowAsync() - TimeSpan.FromSeconds(1), File = half });

        var next = await RunAsync(A);

        Assert.Equal(RunStatus.Succeeded, next.Status);
        var closed = (await RunsAsync()).Single(r => r.Id == dead.Id);
        Assert.Equal(RunStatus.Interrupted, closed.Status);
        Assert.NotNull(closed.EndedAt);
        Assert.Null(closed.File);
        Assert.Contains("its claim ran out", closed.Error, StringComparison.Ordinal);
        Assert.Contains($"({half}) was removed", closed.Error, StringComparison.Ordinal);
        string[] expected = [first.File!, BackupSidecar.NameFor(first.File!), next.File!, BackupSidecar.NameFor(next.File!)];
        Assert.Equal(expected.Order(), Directory.GetFiles(_destination.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Each_scheduled_occurrence_runs_once_whichever_instance_claims_it_first()
    {
        await LocalBackups.ConfigureAsync(_test, _destination.Path, retention: 10);
        var due = new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);

        // Both instances' schedulers find the occurrence due at once.
        var both = await Task.WhenAll(RunAsync(A, RunTrigger.Scheduled, due), RunAsync(B, RunTrigger.Scheduled, due));
        var later = await RunAsync(B, RunTrigger.Scheduled, due);
        var next = await RunAsync(B, RunTrigger.Scheduled, due.AddHours(1));

        var run = Assert.Single(both.DistinctBy(r => r.Id));
        Assert.Equal(run.Id, later.Id);
        var runs = await RunsAsync();
        Assert.Equal([run.Id, next.Id], runs.Select(r => r.Id));
        Assert.Equal([due, due.AddHours(1)], runs.Select(r => r.DueAt!.Value));
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(B.Name, runs[1].Owner);
        Assert.Equal(4, Directory.GetFiles(_destination.Path).Length);
    }

    [Fact]
    public async Task A_run_renews_its_claim_while_it_runs_so_that_no_other_instance_takes_it_over()
    {
        await LocalBackups.ConfigureAsync(_test, _destination.Path);
        var shortLease = new RunClaimant("instance-a:101:cccccccc", TimeSpan.FromSeconds(3));
        DateTimeOffset? before = null, after = null;
        Exception? takeOver = null;

        var run = await RunAsync(shortLease, progress: line =>
        {
            if (!line.StartsWith("reading it back", StringComparison.Ordinal))
            {
                return;
            }

            // Longer than the lease, on the run's own thread: only the heartbeat keeps the claim.
            before = LeaseOfRunningAsync().GetAwaiter().GetResult();
            Thread.Sleep(TimeSpan.FromSeconds(4.5));
            after = LeaseOfRunningAsync().GetAwaiter().GetResult();
            takeOver = Record.Exception(() => RunAsync(B).GetAwaiter().GetResult());
        });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(after > before + TimeSpan.FromSeconds(2), $"lease {before:O} → {after:O}");
        Assert.IsType<ConflictException>(takeOver);
        Assert.Single(await RunsAsync());
    }

    [Fact]
    public async Task A_run_that_another_instance_closed_records_nothing_over_it_and_removes_its_backup()
    {
        await LocalBackups.ConfigureAsync(_test, _destination.Path);
        const string ByTheOther = "closed by the other instance";

        var run = await RunAsync(A, progress: line =>
        {
            if (line == "applying retention")
            {
                // As another instance does once the claim has run out (this one paused too long, or lost the database).
                CloseAsOtherInstanceAsync(ByTheOther).GetAwaiter().GetResult();
            }
        });

        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Equal(ByTheOther, run.Error);
        Assert.Equal(ByTheOther, Assert.Single(await RunsAsync()).Error);
        Assert.Empty(Directory.GetFiles(_destination.Path));
    }

    [Fact]
    public async Task A_claim_is_renewed_while_another_writer_holds_the_database()
    {
        Assert.SkipUnless(TestDatabase.IsPostgres, "SQLite has one writer at a time for every statement; on PostgreSQL a renewal takes no writers' lock.");
        await LocalBackups.ConfigureAsync(_test, _destination.Path);
        var held = await RecordAsync(new TaskRun { Task = ConfigBackupTask.Name, Status = RunStatus.Running, Owner = A.Name, LeaseUntil = await DatabaseNowAsync() + TimeSpan.FromMinutes(1) });
        await using var writer = await _test.Store().OpenAsync();
        await using var transaction = await writer.BeginWriteAsync(CancellationToken.None);

        await using var session = await _test.Store().OpenAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.True(await RunLease.RenewAsync(session, A, held.Id, patience.Token));
    }

    private InlineRunQueue Queue(RunClaimant claimant) => new(_test.DataDirectory, Stores, claimant);

    private async Task<TaskRun> RunAsync(RunClaimant claimant, RunTrigger trigger = RunTrigger.Manual, DateTimeOffset? due = null, Action<string>? progress = null)
    {
        // A backup's name is its time: each run a minute after the last.
        _clock.Advance(TimeSpan.FromMinutes(1));
        await using var session = await _test.Store().OpenAsync();
        return await Queue(claimant).EnqueueAsync(session, trigger, progress, CancellationToken.None, due);
    }

    private async Task<TaskRun> RecordAsync(TaskRun run)
    {
        await using var session = await _test.Store().OpenAsync();
        run.StartedAt = _clock.GetUtcNow();
        session.Db.TaskRuns.Add(run);
        await session.Db.SaveChangesAsync();
        return run;
    }

    private async Task<DateTimeOffset> DatabaseNowAsync()
    {
        await using var session = await _test.Store().OpenAsync();
        return await session.DatabaseNowAsync(CancellationToken.None);
    }

    private async Task<DateTimeOffset?> LeaseOfRunningAsync()
    {
        await using var session = await _test.Store().OpenAsync();
        return await session.Db.TaskRuns.Where(r => r.Status == RunStatus.Running).Select(r => r.LeaseUntil).SingleAsync();
    }

    private async Task CloseAsOtherInstanceAsync(string error)
    {
        await using var session = await _test.Store().OpenAsync();
        await session.Db.TaskRuns.Where(r => r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, RunStatus.Interrupted).SetProperty(r => r.Error, error).SetProperty(r => r.EndedAt, _clock.GetUtcNow()));
    }

    private async Task<List<TaskRun>> RunsAsync()
    {
        await using var session = await _test.Store().OpenAsync();
        return await session.Db.TaskRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
    }
}
