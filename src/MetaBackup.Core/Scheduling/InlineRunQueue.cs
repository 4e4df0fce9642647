using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// A queue without a worker (the CLI, and tests of the scheduler): the run is recorded as queued and run at once, in
/// the caller. It takes the run lock first, so a run in progress anywhere refuses it before anything is recorded.
/// </summary>
public sealed class InlineRunQueue(DataDirectory dataDirectory, BackupStores stores) : IRunQueue
{
    public async Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken)
    {
        using var runLock = RunLock.Acquire(dataDirectory, ConfigBackupTask.Name);
        var run = await QueuedRuns.RecordAsync(session, dataDirectory, trigger, cancellationToken, lockHeld: true);
        return await new ConfigBackupTask(session, dataDirectory, stores).RunHoldingLockAsync(run.Id, cancellationToken, progress);
    }
}
