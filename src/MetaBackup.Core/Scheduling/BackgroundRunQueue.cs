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
/// interrupted at the next start.
/// </summary>
public sealed class BackgroundRunQueue(
    Func<CancellationToken, Task<ConfigurationSession>> openSession,
    DataDirectory dataDirectory,
    BackupStores stores,
    ILogger<BackgroundRunQueue> logger) : IRunQueue
{
    private readonly Channel<long> _queued = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public async Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken)
    {
        var run = await QueuedRuns.RecordAsync(session, dataDirectory, trigger, cancellationToken);
        await _queued.Writer.WriteAsync(run.Id, cancellationToken);
        return run;
    }

    private async Task RefuseAsync(long runId, string reason, CancellationToken cancellationToken)
    {
        await using var session = await openSession(cancellationToken);
        if (await session.Db.TaskRuns.FirstOrDefaultAsync(r => r.Id == runId && r.Status == RunStatus.Queued, cancellationToken) is { } run)
        {
            run.Status = RunStatus.Failed;
            run.Error = reason;
            run.EndedAt = session.Clock.GetUtcNow();
            await session.Db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Runs queued runs until stopped.</summary>
    public async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        await foreach (var runId in _queued.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await using var session = await openSession(cancellationToken);
                var run = await new ConfigBackupTask(session, dataDirectory, stores).RunQueuedAsync(runId, cancellationToken);
                logger.LogInformation("{Trigger} configuration backup run {Id} {Status}: {Detail}", run.Trigger, run.Id, run.Status, run.File ?? run.Error);
            }
            catch (ConflictException busy)
            {
                // Another process (a CLI run) took the run lock first: this run is refused, and says so.
                logger.LogWarning("Configuration backup run {Id} did not run: {Reason}", runId, busy.Message);
                await RefuseAsync(runId, busy.Message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A run that could not start (the database unavailable) must not stop the worker; the next start closes it.
                logger.LogWarning("Configuration backup run {Id} did not run: {Reason}", runId, e.Message);
            }
        }
    }
}
