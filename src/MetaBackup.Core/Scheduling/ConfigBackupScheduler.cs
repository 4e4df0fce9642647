using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// Runs the Configuration Backup task on its cron schedule (<c>config.backup.schedule</c>, Cronos) in
/// <c>system.timezone</c>, while <c>config.backup.enabled</c> is true and a destination is set. It only
/// decides when; the run itself is <see cref="ConfigBackupTask"/>, as for a manual run. At start, a
/// scheduled time missed since the last scheduled run (the server was down) runs once. Settings are
/// re-read at every check, so changes apply without a restart. The clock is injected so tests control time.
/// </summary>
public sealed class ConfigBackupScheduler(
    Func<CancellationToken, Task<ConfigurationSession>> openSession,
    DataDirectory dataDirectory,
    BackupStores stores,
    TimeProvider clock,
    ILogger<ConfigBackupScheduler> logger)
{
    /// <summary>How often settings are re-read while waiting for the next scheduled time.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var checkedUntil = clock.GetUtcNow();
        if (await LastScheduledRunAsync(cancellationToken) is { } last && await DueBetweenAsync(last, checkedUntil, cancellationToken))
        {
            await RunOnceAsync(RunTrigger.CatchUp, cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var settings = await SettingsAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var next = settings is { Enabled: true, StorageId: not null } ? settings.Cron.GetNextOccurrence(checkedUntil, settings.TimeZone) : null;
            if (next is { } due && due <= now)
            {
                checkedUntil = now;
                await RunOnceAsync(RunTrigger.Scheduled, cancellationToken);
                continue;
            }

            checkedUntil = now;
            var wait = next is { } upcoming && upcoming - now < CheckInterval ? upcoming - now : CheckInterval;
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    /// <summary>The next time a scheduled run will start, or null when the task is off.</summary>
    public static DateTimeOffset? NextRun(ConfigBackupSettings settings, DateTimeOffset after) =>
        settings is { Enabled: true, StorageId: not null } ? settings.Cron.GetNextOccurrence(after, settings.TimeZone) : null;

    private async Task RunOnceAsync(RunTrigger trigger, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await openSession(cancellationToken);
            var run = await new ConfigBackupTask(session, dataDirectory, stores).RunAsync(trigger, cancellationToken);
            logger.LogInformation("{Trigger} configuration backup {Status}: {Detail}", trigger, run.Status, run.File ?? run.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A run that could not even start (another is running, no destination) must not stop the scheduler.
            logger.LogWarning("{Trigger} configuration backup did not run: {Reason}", trigger, e.Message);
        }
    }

    private async Task<bool> DueBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await SettingsAsync(cancellationToken) is { Enabled: true, StorageId: not null } settings
        && settings.Cron.GetNextOccurrence(from, settings.TimeZone) is { } next && next <= to;

    private async Task<ConfigBackupSettings> SettingsAsync(CancellationToken cancellationToken)
    {
        await using var session = await openSession(cancellationToken);
        return await new SettingsService(session).ConfigBackupAsync(cancellationToken);
    }

    private async Task<DateTimeOffset?> LastScheduledRunAsync(CancellationToken cancellationToken)
    {
        await using var session = await openSession(cancellationToken);
        var last = await session.Db.TaskRuns.AsNoTracking()
            .Where(r => r.Task == ConfigBackupTask.Name && r.Trigger != RunTrigger.Manual)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return last?.StartedAt;
    }
}
