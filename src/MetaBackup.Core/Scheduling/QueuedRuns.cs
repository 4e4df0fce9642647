using System.Globalization;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Scheduling;

/// <summary>Records a run as queued: the step every <see cref="IRunQueue"/> takes first, so that one run at a time holds whoever queues it.</summary>
internal static class QueuedRuns
{
    public static async Task<TaskRun> RecordAsync(ConfigurationSession session, DataDirectory dataDirectory, RunTrigger trigger, CancellationToken cancellationToken, bool lockHeld = false)
    {
        if ((await new SettingsService(session).ConfigBackupAsync(cancellationToken)).StorageId is null)
        {
            throw new InvalidInputException(
                "No storage destination is set for configuration backups.",
                $"Set {SettingKeys.ConfigBackupStorageId} to a storage adapter.",
                new Dictionary<string, string> { ["setting"] = SettingKeys.ConfigBackupStorageId });
        }

        var db = session.Db;
        await using var transaction = await session.BeginWriteAsync(cancellationToken);
        if (await db.TaskRuns.AsNoTracking()
                .Where(r => r.Task == ConfigBackupTask.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken) is { } busy
            && !IsLeftOver(session, dataDirectory, busy, lockHeld))
        {
            throw new ConflictException(
                $"A configuration backup run ({busy.Id}) is already {busy.Status.ToString().ToLowerInvariant()}.",
                "Wait for it to finish, and follow it by its id.",
                details: new Dictionary<string, string> { ["running"] = "true", ["runId"] = busy.Id.ToString(CultureInfo.InvariantCulture) });
        }

        var run = new TaskRun { Task = ConfigBackupTask.Name, Trigger = trigger, StartedAt = session.Clock.GetUtcNow(), Status = RunStatus.Queued };
        db.TaskRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>
    /// A run its process left behind (killed, or the machine went down), which the next run closes as
    /// interrupted, rather than one in progress: nobody holds the run lock, and it was running — or queued
    /// for longer than a worker ever leaves a run waiting while no other runs. <paramref name="lockHeld"/>: the caller holds it.
    /// </summary>
    private static bool IsLeftOver(ConfigurationSession session, DataDirectory dataDirectory, TaskRun busy, bool lockHeld)
    {
        using var runLock = lockHeld ? null : RunLock.TryAcquire(dataDirectory, ConfigBackupTask.Name);
        return (lockHeld || runLock is not null)
            && (busy.Status == RunStatus.Running || busy.StartedAt < session.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));
    }
}
