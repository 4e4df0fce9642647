using System.Threading.Channels;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// The server's queue (docs/api.md, "Run now"): Run now and the scheduler record their run as queued and
/// return; one worker (<see cref="RunWorkerAsync"/>) runs the queued runs one after another, each in a session
/// of its own as <see cref="Access.Actor.System"/>. A run still queued when the server stops is closed as
/// interrupted once its claim runs out (docs/database.md, "Several instances").
/// </summary>
public sealed class BackgroundRunQueue(
    Func<CancellationToken, Task<ConfigurationSession>> openSession,
    DataDirectory dataDirectory,
    BackupStores stores,
    RunClaimant claimant,
    ILogger<BackgroundRunQueue> logger) : IRunQueue
{
    private readonly Channel<long> _queued = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public RunClaimant Claimant => claimant;

    public async Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken, DateTimeOffset? dueAt = null)
    {
        var run = await RunClaims.ClaimAsync(session, claimant, trigger, dueAt, cancellationToken);
        if (run.Owner == claimant.Name && run.Status == RunStatus.Queued)
        {
            await _queued.Writer.WriteAsync(run.Id, cancellationToken);
        }

        return run;
    }

    /// <summary>Runs queued runs until stopped.</summary>
    public async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        await foreach (var runId in _queued.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await using var session = await openSession(cancellationToken);
                var run = await new ConfigBackupTask(session, dataDirectory, stores).RunClaimedAsync(runId, claimant, cancellationToken);
                logger.LogInformation("{Trigger} configuration backup run {Id} {Status}: {Detail}", run.Trigger, run.Id, run.Status, run.File ?? run.Error);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A run that could not start (the database unavailable) must not stop the worker; once its claim runs out, a sweep closes it.
                logger.LogWarning("Configuration backup run {Id} did not run: {Reason}", runId, e.Message);
            }
        }
    }
}
