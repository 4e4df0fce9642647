using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MetaBackup.Core.Tests.Scheduling;

/// <summary>The Configuration Backup task and its scheduler, on a local destination, with a clock the tests control.</summary>
public sealed class ConfigBackupTaskTests : IDisposable
{
    private static readonly BackupStores Stores = new([new LocalBackupStoreFactory()]);
    private readonly TempDirectory _destination = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 58, 0, TimeSpan.Zero));
    private readonly TestStore _test = new();

    public ConfigBackupTaskTests() => _test.Clock = _clock;

    /// <summary>This test's instance, as it claims runs (docs/database.md, "Several instances").</summary>
    private InlineRunQueue Queue(RunClaimant? claimant = null) => new(_test.DataDirectory, Stores, claimant ?? new RunClaimant("test-instance", TimeSpan.FromMinutes(1)));

    public void Dispose()
    {
        _test.Dispose();
        _destination.Dispose();
    }

    private Task<ConfigurationSession> OpenAsync(CancellationToken cancellationToken = default) => _test.Store().OpenAsync(cancellationToken);

    private Task ConfigureAsync(int retention = 3) => LocalBackups.ConfigureAsync(_test, _destination.Path, retention);

    [Fact]
    public async Task Retention_of_3_after_5_runs_keeps_the_newest_3_with_their_sidecars_and_never_touches_other_files()
    {
        await ConfigureAsync(retention: 3);
        await File.WriteAllTextAsync(_destination.Combine("notes.txt"), "not a backup");
        await File.WriteAllTextAsync(_destination.Combine("config_backup_notes.json"), "not ours either: no timestamp");
        var files = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            await using var session = await OpenAsync();
            var run = await Queue().EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);
            Assert.Equal(RunStatus.Succeeded, run.Status);
            files.Add(run.File!);
        }

        var expected = files.Skip(2).SelectMany(f => new[] { f, BackupSidecar.NameFor(f) }).Append("notes.txt").Append("config_backup_notes.json").Order();
        Assert.Equal(expected, Directory.GetFiles(_destination.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_run_records_a_verified_encrypted_backup_that_opens_with_the_profile_key()
    {
        await ConfigureAsync();
        await using var session = await OpenAsync();

        var run = await Queue().EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RunTrigger.Manual, run.Trigger);
        Assert.NotNull(run.EndedAt);
        var path = _destination.Combine(run.File!);
        Assert.Equal(new FileInfo(path).Length, run.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(path))), run.Checksum);
        var key = new Core.Vault.VaultService(session).KeyOf(await new Core.Vault.VaultService(session).FindAsync("offsite"));
        var document = BackupDocument.ParseValid(BackupDocument.ReadText(path, key.Bytes.ToArray()));
        Assert.True(document["metadata"]!["includeSecrets"]!.GetValue<bool>());
        var sidecar = BackupSidecar.TryParse(File.OpenRead(_destination.Combine(BackupSidecar.NameFor(run.File!))))!;
        Assert.Equal(key.Fingerprint, sidecar.ProfileFingerprint);
        Assert.Equal(run.Checksum, sidecar.Sha256);
        Assert.False(Directory.EnumerateFileSystemEntries(_test.DataDirectory.StagingDirectory).Any());
    }

    [Fact]
    public async Task A_failed_run_is_recorded_with_its_reason_and_does_not_stop_the_next()
    {
        await ConfigureAsync();
        await using var session = await OpenAsync();
        var task = Queue();
        Directory.Delete(_destination.Path, recursive: true);
        await File.WriteAllTextAsync(_destination.Path, "a file where the directory should be");

        var failed = await task.EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);
        File.Delete(_destination.Path);
        var next = await task.EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("local destination 'disk'", failed.Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, next.Status);
    }

    [Fact]
    public async Task The_scheduler_runs_when_the_schedule_comes_due_in_system_timezone_on_the_clock_it_is_given()
    {
        await ConfigureAsync();
        await using (var session = await OpenAsync())
        {
            // 04:00 in Berlin (the sample's system.timezone) is 03:00 UTC in November; the clock starts at 02:58 UTC.
            Assert.Equal("Europe/Berlin", await new SettingsService(session).FindValueAsync(SettingKeys.SystemTimezone));
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupSchedule, "0 4 * * *");
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupEnabled, "true");
        }

        using var stop = new CancellationTokenSource();
        var scheduler = new ConfigBackupScheduler(OpenAsync, Queue(), _clock, NullLogger<ConfigBackupScheduler>.Instance);
        var running = Task.Run(() => scheduler.RunAsync(stop.Token));

        // Let the scheduler read its settings and start waiting, then move the clock past 03:00 in steps.
        await Task.Delay(1500);
        Assert.False(running.IsCompleted, running.Exception?.ToString());
        Assert.Empty(await RunsAsync());
        for (var i = 0; i < 12 && (await RunsAsync()).Count == 0; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(300);
        }

        var runs = await WaitForRunsAsync(1, TimeSpan.FromSeconds(30));
        Assert.False(running.IsCompleted, running.Exception?.ToString());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        var run = Assert.Single(runs);
        Assert.Equal(RunTrigger.Scheduled, run.Trigger);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero), run.StartedAt, TimeSpan.FromMinutes(1));
        Assert.True(File.Exists(_destination.Combine(run.File!)));
    }

    [Fact]
    public async Task A_run_missed_while_the_server_was_down_runs_once_at_start()
    {
        await ConfigureAsync();
        await using (var session = await OpenAsync())
        {
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupSchedule, "0 * * * *");
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupEnabled, "true");
            session.Db.TaskRuns.Add(new TaskRun { Task = ConfigBackupTask.Name, Trigger = RunTrigger.Scheduled, StartedAt = _clock.GetUtcNow().AddHours(-5), Status = RunStatus.Succeeded });
            await session.Db.SaveChangesAsync();
        }

        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => new ConfigBackupScheduler(OpenAsync, Queue(), _clock, NullLogger<ConfigBackupScheduler>.Instance).RunAsync(stop.Token));
        await WaitForRunsAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        var run = Assert.Single(await RunsAsync());
        Assert.Equal(RunTrigger.CatchUp, run.Trigger);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task A_stored_setting_that_does_not_hold_here_puts_the_schedule_on_hold_without_stopping_the_scheduler()
    {
        await ConfigureAsync();
        await using (var session = await OpenAsync())
        {
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupSchedule, "0 3 * * *");
            await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupEnabled, "true");
            // As an import from a machine with other time zone data could leave it: not through SetAsync, which refuses it.
            var zone = session.Db.Settings.Single(s => s.Key == SettingKeys.SystemTimezone);
            zone.Value = "Mars/Olympus";
            await session.Db.SaveChangesAsync();
        }

        var logger = new FakeLogger<ConfigBackupScheduler>();
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => new ConfigBackupScheduler(OpenAsync, Queue(), _clock, logger).RunAsync(stop.Token));
        await Task.Delay(1000);
        for (var i = 0; i < 8; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(200);
        }

        Assert.False(running.IsCompleted, running.Exception?.ToString());
        Assert.Empty(await RunsAsync());
        var problem = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("system.timezone cannot be 'Mars/Olympus'", problem.Message, StringComparison.Ordinal);

        await using (var session = await OpenAsync())
        {
            await new SettingsService(session).SetAsync(SettingKeys.SystemTimezone, "UTC");
        }

        // 03:00 UTC passed while the schedule was on hold: it runs once the settings can be read again.
        _clock.Advance(TimeSpan.FromSeconds(30));
        var run = Assert.Single(await WaitForRunsAsync(1, TimeSpan.FromSeconds(30)));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(RunTrigger.Scheduled, run.Trigger);
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Theory]
    [InlineData(SettingKeys.ConfigBackupIncludeSecrets, "true", "without an Encryption Profile")]
    [InlineData(SettingKeys.ConfigBackupStorageId, "sample-postgres", "is a database adapter, not a storage destination")]
    [InlineData(SettingKeys.ConfigBackupSchedule, "0 3 * *", "must be a five-field cron expression")]
    [InlineData(SettingKeys.ConfigBackupRetention, "0", "at least 1")]
    [InlineData(SettingKeys.ConfigBackupEnabled, "yes", "true or false")]
    [InlineData(SettingKeys.ConfigBackupCompression, "zip", "one of none, gzip, brotli")]
    [InlineData(SettingKeys.SystemTimezone, "Mars/Olympus", "IANA time zone")]
    [InlineData(SettingKeys.ConfigBackupEncryptionProfileId, "missing", "no Encryption Profile 'missing'")]
    public async Task Invalid_settings_are_refused_with_a_clear_reason_and_change_nothing(string key, string value, string reason)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var before = _test.Dump();

        var error = await Assert.ThrowsAnyAsync<MetaBackupException>(() => new SettingsService(session).SetAsync(key, value));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _test.Dump());
    }

    private async Task<List<TaskRun>> WaitForRunsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var runs = await RunsAsync();
            if (runs.Count(r => r.Status is not (RunStatus.Queued or RunStatus.Running)) >= count || DateTime.UtcNow > deadline)
            {
                return runs;
            }

            await Task.Delay(100);
        }
    }

    private async Task<List<TaskRun>> RunsAsync()
    {
        await using var session = await OpenAsync();
        // Runs of this test only: not the one a test seeded as having happened hours before.
        return [.. (await new ConfigBackupTask(session, _test.DataDirectory, Stores).RunsAsync(100)).Where(r => r.StartedAt > _clock.GetUtcNow().AddHours(-1)).Reverse()];
    }
}
