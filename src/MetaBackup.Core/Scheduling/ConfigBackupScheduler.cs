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
/// decides when, and hands the run to the one queue (<see cref="IRunQueue"/>), as Run now does, naming the
/// occurrence it is for: each occurrence is claimed once in the database, so of several instances' schedulers
/// only the first runs it (docs/database.md, "Several instances"). At start, a scheduled time missed since the
/// last scheduled run (every instance was down) runs once. Settings are re-read at every check, so a change
/// made through any instance applies without a restart. The clock is injected so tests control time.
/// </summary>
public sealed class ConfigBackupScheduler(
    Func<CancellationToken, Task<ConfigurationSession>> openSession,
    IRunQueue runs,
    TimeProvider clock,
    ILogger<ConfigBackupScheduler> logger)
{
    /// <summary>How often settings are re-read while waiting for the next scheduled time.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    private string? _lastProblem;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var checkedUntil = clock.GetUtcNow();
        if (await TryAsync(LastScheduledRunAsync, cancellationToken) is { } last
            && await TryAsync(SettingsAsync, cancellationToken) is { } atStart
            && NextRun(atStart, last.DueAt ?? last.StartedAt) is { } missed && missed <= checkedUntil)
        {
            await RunOnceAsync(RunTrigger.CatchUp, missed, cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var settings = await TryAsync(SettingsAsync, cancellationToken);
            if (settings is null)
            {
                // checkedUntil stays: a time that comes due while the settings cannot be read runs once they can.
                await Task.Delay(CheckInterval, clock, cancellationToken);
                continue;
            }

            var now = clock.GetUtcNow();
            var next = NextRun(settings, checkedUntil);
            if (next is { } due && due <= now)
            {
                checkedUntil = now;
                await RunOnceAsync(RunTrigger.Scheduled, due, cancellationToken);
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

    private async Task RunOnceAsync(RunTrigger trigger, DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await openSession(cancellationToken);
            var run = await runs.EnqueueAsync(session, trigger, null, cancellationToken, due);
            // The occurrence's run, whichever instance claimed it.
            logger.LogInformation("{Trigger} configuration backup due {Due:u}: run {Id} on {Owner}, {Status}", trigger, due, run.Id, run.Owner, run.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A run that could not even start (another is running, no destination) must not stop the scheduler.
            logger.LogWarning("{Trigger} configuration backup did not run: {Reason}", trigger, e.Message);
        }
    }

    /// <summary>
    /// Reads what the scheduler needs, or null when it cannot be read — the database briefly unavailable,
    /// or a stored setting that does not hold on this machine (a time zone it lacks, from a backup made
    /// elsewhere). That must not stop the scheduler: it logs the reason once and tries again at the next check.
    /// </summary>
    private async Task<T?> TryAsync<T>(Func<CancellationToken, Task<T?>> read, CancellationToken cancellationToken) where T : class
    {
        try
        {
            var value = await read(cancellationToken);
            _lastProblem = null;
            return value;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (e.Message != _lastProblem)
            {
                _lastProblem = e.Message;
                logger.LogError("Scheduled configuration backups are on hold until this is fixed: {Reason}", e.Message);
            }

            return null;
        }
    }

    private async Task<ConfigBackupSettings?> SettingsAsync(CancellationToken cancellationToken)
    {
        await using var session = await openSession(cancellationToken);
        return await new SettingsService(session).ConfigBackupAsync(cancellationToken);
    }

    private async Task<TaskRun?> LastScheduledRunAsync(CancellationToken cancellationToken)
    {
        await using var session = await openSession(cancellationToken);
        return await session.Db.TaskRuns.AsNoTracking()
            .Where(r => r.Task == ConfigBackupTask.Name && r.Trigger != RunTrigger.Manual)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }
}
