using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// A queue without a worker (the CLI, and tests of the scheduler): the run is claimed and run at once, in the caller.
/// A run in progress anywhere on the database refuses it before anything is recorded.
/// </summary>
public sealed class InlineRunQueue(DataDirectory dataDirectory, BackupStores stores, RunClaimant claimant) : IRunQueue
{
    public async Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken, DateTimeOffset? dueAt = null)
    {
        var run = await RunClaims.ClaimAsync(session, claimant, trigger, dueAt, cancellationToken);
        return run.Owner != claimant.Name || run.Status != RunStatus.Queued
            ? run
            : await new ConfigBackupTask(session, dataDirectory, stores).RunClaimedAsync(run.Id, claimant, cancellationToken, progress);
    }
}
