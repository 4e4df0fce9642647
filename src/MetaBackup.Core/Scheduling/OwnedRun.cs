using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// The writes a run makes to its own record, each one made only while the run is still its claimant's and not yet
/// closed (docs/database.md, "Several instances"): as one conditional statement, so that a run another instance closed
/// after its lease ran out never overwrites what that instance recorded.
/// </summary>
internal sealed class OwnedRun(ConfigurationSession session, long runId, RunClaimant claimant)
{
    /// <summary>The run is no longer its claimant's.</summary>
    public sealed class LostException() : Exception("The run is no longer this instance's: another instance closed it after its claim ran out.");

    /// <summary>The record, while it is the claimant's and still queued or running.</summary>
    private IQueryable<TaskRun> Mine() =>
        session.Db.TaskRuns.Where(r => r.Id == runId && r.Owner == claimant.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running));

    /// <summary>Queued → running; false when the run was closed before it could start.</summary>
    public async Task<bool> StartAsync(DateTimeOffset startedAt, CancellationToken cancellationToken) =>
        await Mine().Where(r => r.Status == RunStatus.Queued).ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.StartedAt, startedAt), cancellationToken) == 1;

    /// <summary>Records the backup's name before its upload begins, or refuses the upload when the run is no longer the claimant's.</summary>
    public async Task RecordUploadingAsync(string file, CancellationToken cancellationToken)
    {
        if (await Mine().Where(r => r.Status == RunStatus.Running).ExecuteUpdateAsync(set => set.SetProperty(r => r.File, file), cancellationToken) != 1)
        {
            throw new LostException();
        }
    }

    /// <summary>Records how the run ended; false when it was no longer the claimant's to record.</summary>
    public async Task<bool> FinishAsync(TaskRun run) =>
        await Mine().ExecuteUpdateAsync(
            set => set.SetProperty(r => r.Status, run.Status)
                .SetProperty(r => r.StartedAt, run.StartedAt)
                .SetProperty(r => r.EndedAt, run.EndedAt)
                .SetProperty(r => r.File, run.File)
                .SetProperty(r => r.Size, run.Size)
                .SetProperty(r => r.Checksum, run.Checksum)
                .SetProperty(r => r.Error, run.Error)
                .SetProperty(r => r.Attempts, run.Attempts),
            CancellationToken.None) == 1;

    /// <summary>The record as it stands.</summary>
    public Task<TaskRun> AsStoredAsync() => session.Db.TaskRuns.AsNoTracking().FirstAsync(r => r.Id == runId, CancellationToken.None);
}
