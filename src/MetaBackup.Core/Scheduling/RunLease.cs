using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// Holds a claimed run's lease while the run goes on (docs/database.md, "Several instances"): renews it every
/// <see cref="RunClaimant.Heartbeat"/>, on a connection of its own, as one statement outside any transaction — so
/// it takes no writers' lock and waits for no writer on PostgreSQL. Only the database decides whether the run is still
/// its claimant's: when a renewal finds it closed (its lease had run out and another instance closed it), the run has
/// been lost and <see cref="Lost"/> is cancelled. A renewal that fails (the database out of reach) is tried again
/// at the next beat; the run goes on meanwhile, since no other instance can claim without the database either.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private RunLease(ConfigurationSession session, RunClaimant claimant, long runId) =>
        _renewing = Task.Run(() => KeepRenewingAsync(session, claimant, runId, _stop.Token));

    /// <summary>Cancelled when the run turns out to be another instance's to close: the run must stop and record nothing over it.</summary>
    public CancellationToken Lost => _lost.Token;

    public static RunLease Hold(ConfigurationSession session, RunClaimant claimant, long runId) => new(session, claimant, runId);

    /// <summary>Renews <paramref name="runId"/>'s lease once; false when the run is no longer <paramref name="claimant"/>'s, queued or running.</summary>
    public static async Task<bool> RenewAsync(ConfigurationSession session, RunClaimant claimant, long runId, CancellationToken cancellationToken)
    {
        await using var db = session.NewContext();
        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        var until = await session.DatabaseNowAsync(cancellationToken, db) + claimant.Lease;
        return await db.TaskRuns
            .Where(r => r.Id == runId && r.Owner == claimant.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.LeaseUntil, until), cancellationToken) == 1;
    }

    private async Task KeepRenewingAsync(ConfigurationSession session, RunClaimant claimant, long runId, CancellationToken stop)
    {
        var logger = session.Logger<RunLease>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Real time, as the lease is: a test's clock moves schedules, not leases.
                await Task.Delay(claimant.Heartbeat, TimeProvider.System, stop);
                if (!await RenewAsync(session, claimant, runId, stop))
                {
                    logger.LogWarning("Configuration backup run {Id} is no longer this instance's: its claim ran out and another instance closed it; the run stops", runId);
                    await _lost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Could not renew the claim of configuration backup run {Id}; trying again in {Seconds} s: {Reason}", runId, claimant.Heartbeat.TotalSeconds, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        _lost.Dispose();
    }
}
