using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// The Configuration Backup system task (PRODUCT §7): export with the <c>config.backup.*</c> settings,
/// upload to the storage destination with its sidecar, read it back and verify it, apply retention,
/// and record the run — every trigger (manual, scheduled, catch-up) takes this one path. A failed run
/// is recorded with its reason and leaves the destination as it was.
/// </summary>
public sealed class ConfigBackupTask(ConfigurationSession session, DataDirectory dataDirectory, BackupStores stores)
{
    public const string Name = "config-backup";

    /// <summary>Runs a run that a queue recorded (<see cref="IRunQueue"/>): the record exists, the run fills it in. Refused while another run is in progress anywhere.</summary>
    public async Task<TaskRun> RunQueuedAsync(long queuedRunId, CancellationToken cancellationToken = default, Action<string>? progress = null)
    {
        using var runLock = RunLock.Acquire(dataDirectory, Name);
        return await RunHoldingLockAsync(queuedRunId, cancellationToken, progress);
    }

    /// <summary>Runs a queued run for a caller that holds the run lock (<see cref="RunLock"/>).</summary>
    internal async Task<TaskRun> RunHoldingLockAsync(long queuedRunId, CancellationToken cancellationToken, Action<string>? progress)
    {
        progress ??= _ => { };
        await CloseInterruptedRunsAsync(queuedRunId, cancellationToken);
        StagingArea.RemoveAbandoned(dataDirectory);
        var settings = await new SettingsService(session).ConfigBackupAsync(cancellationToken);
        var run = await session.Db.TaskRuns.FirstAsync(r => r.Id == queuedRunId, cancellationToken);
        var trigger = run.Trigger;
        run.StartedAt = session.Clock.GetUtcNow();
        if (settings.StorageId is null)
        {
            // Unset between queueing and running.
            run.Status = RunStatus.Failed;
            run.Error = "No storage destination is set for configuration backups.";
            run.EndedAt = run.StartedAt;
            await session.Db.SaveChangesAsync(CancellationToken.None);
            return run;
        }

        run.Status = RunStatus.Running;
        await session.Db.SaveChangesAsync(cancellationToken);
        var logger = session.Logger<ConfigBackupTask>();
        IBackupStore? destination = null;
        try
        {
            var adapters = new AdaptersService(session);
            var adapter = await adapters.FindOfKindAsync(settings.StorageId, AdapterKind.Storage, "The configuration backup destination", cancellationToken);
            var store = destination = await adapters.StoreForAsync(adapter, stores, progress, cancellationToken);
            var options = new ExportOptions(settings.IncludeSecrets, settings.EncryptionProfileId, settings.Compression, trigger == RunTrigger.Manual ? ExportSource.Manual : ExportSource.Scheduled);
            progress($"exporting to destination {adapter.Name}");
            var stored = await new StorageExport(session, dataDirectory).ExportAsync(options, store, cancellationToken, progress);
            progress("applying retention");
            await ApplyRetentionAsync(store, settings.Retention, cancellationToken);

            run.Status = RunStatus.Succeeded;
            run.File = stored.Export.FileName;
            run.Size = stored.Export.Bytes;
            run.Checksum = stored.Checksum;
            logger.LogInformation("Configuration backup {File} ({Size} bytes) written to {Destination} and verified", run.File, run.Size, adapter.Name);
        }
        catch (OperationCanceledException)
        {
            run.Status = RunStatus.Interrupted;
            run.Error = "Stopped before it finished; what it had uploaded was removed.";
            throw;
        }
        catch (Exception e)
        {
            run.Status = RunStatus.Failed;
            run.Error = e is MetaBackupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning("Configuration backup failed: {Error}", run.Error);
        }
        finally
        {
            run.Attempts = destination is RetryingBackupStore { MostUploadAttempts: > 0 and var attempts } ? attempts : null;
            run.EndedAt = session.Clock.GetUtcNow();
            session.Db.ChangeTracker.Clear();
            session.Db.TaskRuns.Update(run);
            await session.Db.SaveChangesAsync(CancellationToken.None);
        }

        return run;
    }

    /// <summary>
    /// At the start of `serve`: closes the runs a killed process left "running" and removes its staging
    /// files, unless a run is in progress right now (in another process), whose files must stay.
    /// </summary>
    public async Task RecoverFromInterruptedRunsAsync(CancellationToken cancellationToken = default)
    {
        using var runLock = RunLock.TryAcquire(dataDirectory, Name);
        if (runLock is not null)
        {
            await CloseInterruptedRunsAsync(null, cancellationToken);
            StagingArea.RemoveAbandoned(dataDirectory);
        }
    }

    /// <summary>
    /// Called with the run lock held: no run is in progress, so one still recorded as running was killed. A
    /// queued one (other than <paramref name="starting"/>) was lost with the process that queued it.
    /// </summary>
    private async Task CloseInterruptedRunsAsync(long? starting, CancellationToken cancellationToken)
    {
        var now = session.Clock.GetUtcNow();
        var closed = await session.Db.TaskRuns
            .Where(r => r.Task == Name && (r.Status == RunStatus.Running || (r.Status == RunStatus.Queued && r.Id != starting)))
            .ExecuteUpdateAsync(
                set => set.SetProperty(r => r.Status, RunStatus.Interrupted)
                    .SetProperty(r => r.EndedAt, now)
                    .SetProperty(r => r.Error, "Its process stopped before the run finished (killed, or the machine went down)."),
                cancellationToken);
        if (closed > 0)
        {
            session.Logger<ConfigBackupTask>().LogWarning("Marked {Count} configuration backup run(s) interrupted: their process stopped before they finished", closed);
        }
    }

    /// <summary>The task's runs, newest first.</summary>
    public Task<List<TaskRun>> RunsAsync(int limit, CancellationToken cancellationToken = default) =>
        session.Db.TaskRuns.AsNoTracking().Where(r => r.Task == Name).OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);

    /// <summary>Keeps the newest <paramref name="keep"/> backups of the naming pattern, with their sidecars; touches nothing else.</summary>
    private static async Task ApplyRetentionAsync(IBackupStore store, int keep, CancellationToken cancellationToken)
    {
        var backups = await new BackupCatalog(store).ListAsync(cancellationToken);
        foreach (var old in backups.Skip(keep))
        {
            await store.DeleteAsync(old.File, cancellationToken);
            await store.DeleteAsync(BackupSidecar.NameFor(old.File), cancellationToken);
        }
    }
}
