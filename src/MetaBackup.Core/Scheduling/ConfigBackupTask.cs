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
/// The Configuration Backup system task (docs/storage.md, "The Configuration Backup system task"): export with the <c>config.backup.*</c> settings,
/// upload to the storage destination with its sidecar, read it back and verify it, apply retention,
/// and record the run — every trigger (manual, scheduled, catch-up) takes this one path. A failed run
/// is recorded with its reason and leaves the destination as it was. One run at a time across every
/// instance on the database: runs are claimed there (<see cref="RunClaims"/>).
/// </summary>
public sealed class ConfigBackupTask(ConfigurationSession session, DataDirectory dataDirectory, BackupStores stores)
{
    public const string Name = "config-backup";

    /// <summary>
    /// Runs a run that <paramref name="claimant"/> claimed (<see cref="IRunQueue"/>, <see cref="RunClaims"/>): the record
    /// exists, the run fills it in, holding its lease meanwhile (<see cref="RunLease"/>). Every write to the record is made
    /// only while the run is still the claimant's; a run that turns out to have been closed by another instance (its lease
    /// ran out) stops, removes what it uploaded and returns the record as that instance left it.
    /// </summary>
    public async Task<TaskRun> RunClaimedAsync(long runId, RunClaimant claimant, CancellationToken cancellationToken = default, Action<string>? progress = null)
    {
        progress ??= _ => { };
        await using var lease = RunLease.Hold(session, claimant, runId);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        var owned = new OwnedRun(session, runId, claimant);
        StagingArea.RemoveAbandoned(dataDirectory);
        var settings = await new SettingsService(session).ConfigBackupAsync(cancellationToken);
        var run = await session.Db.TaskRuns.AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken);
        run.StartedAt = session.Clock.GetUtcNow();
        if (settings.StorageId is null)
        {
            // Unset between queueing and running.
            run.Status = RunStatus.Failed;
            run.Error = "No storage destination is set for configuration backups.";
            run.EndedAt = run.StartedAt;
            return await owned.FinishAsync(run) ? run : await owned.AsStoredAsync();
        }

        if (!await owned.StartAsync(run.StartedAt, cancellationToken))
        {
            return await owned.AsStoredAsync();
        }

        run.Status = RunStatus.Running;
        var logger = session.Logger<ConfigBackupTask>();
        IBackupStore? destination = null;
        string? uploaded = null;
        Exception? stopped = null;
        var lost = false;
        try
        {
            var adapters = new AdaptersService(session);
            var adapter = await adapters.FindOfKindAsync(settings.StorageId, AdapterKind.Storage, "The configuration backup destination", running.Token);
            var store = destination = await adapters.StoreForAsync(adapter, stores, progress, running.Token);
            await RemoveUploadsOfInterruptedRunsAsync(store, running.Token);
            var options = new ExportOptions(settings.IncludeSecrets, settings.EncryptionProfileId, settings.Compression, run.Trigger == RunTrigger.Manual ? ExportSource.Manual : ExportSource.Scheduled);
            progress($"exporting to destination {adapter.Name}");
            var stored = await new StorageExport(session, dataDirectory).ExportAsync(options, store, running.Token, progress, uploading: file => owned.RecordUploadingAsync(file, running.Token));
            run.File = uploaded = stored.Export.FileName;
            progress("applying retention");
            await ApplyRetentionAsync(store, settings.Retention, running.Token);

            run.Status = RunStatus.Succeeded;
            run.Size = stored.Export.Bytes;
            run.Checksum = stored.Checksum;
            logger.LogInformation("Configuration backup {File} ({Size} bytes) written to {Destination} and verified", run.File, run.Size, adapter.Name);
        }
        catch (Exception e) when (e is OwnedRun.LostException || (e is OperationCanceledException && lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            lost = true;
        }
        catch (OperationCanceledException e)
        {
            run.Status = RunStatus.Interrupted;
            run.Error = "Stopped before it finished; what it had uploaded was removed.";
            stopped = e;
        }
        catch (Exception e)
        {
            run.Status = RunStatus.Failed;
            run.Error = e is MetaBackupException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning("Configuration backup failed: {Error}", run.Error);
        }

        run.Attempts = destination is RetryingBackupStore { MostUploadAttempts: > 0 and var attempts } ? attempts : null;
        run.EndedAt = session.Clock.GetUtcNow();
        if (run.Status != RunStatus.Succeeded)
        {
            // A failed upload was removed by StorageExport; one stopped after it (during retention) is removed here.
            run.File = null;
            await RemoveAsync(destination, uploaded);
        }

        if (lost || !await owned.FinishAsync(run))
        {
            logger.LogWarning("Configuration backup run {Id} was closed by another instance while it ran (its claim ran out); its result is discarded", runId);
            await RemoveAsync(destination, uploaded);
            run = await owned.AsStoredAsync();
        }

        if (stopped is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(stopped);
        }

        return run;
    }

    private static async Task RemoveAsync(IBackupStore? destination, string? uploaded)
    {
        if (destination is not null && uploaded is not null)
        {
            await StorageExport.RemoveBackupAsync(destination, uploaded);
        }
    }

    /// <summary>
    /// Closes the runs whose instance died (their lease ran out), removes what they had begun uploading to the
    /// destination, and the staging files a killed run left in this data directory: at the start of `serve` and
    /// regularly while it runs, so that no run stays "running" for long after its instance stopped.
    /// </summary>
    public async Task CloseLeftOverRunsAsync(CancellationToken cancellationToken = default)
    {
        var now = await session.DatabaseNowAsync(cancellationToken);
        var active = await session.Db.TaskRuns.AsNoTracking()
            .Where(r => r.Task == Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)).ToListAsync(cancellationToken);
        if (active.Any(r => r.LeaseUntil is not { } until || until <= now))
        {
            // Only then a writer: a sweep must not queue behind an import for nothing.
            await using var transaction = await session.BeginWriteAsync(cancellationToken);
            await RunClaims.CloseLeftOversAsync(session, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (await session.Db.TaskRuns.AnyAsync(r => r.Task == Name && r.Status == RunStatus.Interrupted && r.File != null, cancellationToken))
        {
            try
            {
                var adapters = new AdaptersService(session);
                var storageId = (await new SettingsService(session).ConfigBackupAsync(cancellationToken)).StorageId
                    ?? throw new InvalidInputException("No storage destination is set for configuration backups.", $"Set {SettingKeys.ConfigBackupStorageId}.");
                var store = await adapters.StoreForAsync(await adapters.FindOfKindAsync(storageId, AdapterKind.Storage, "The configuration backup destination", cancellationToken), stores, null, cancellationToken);
                await RemoveUploadsOfInterruptedRunsAsync(store, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next run, or the next sweep, tries again.
                session.Logger<ConfigBackupTask>().LogWarning("Could not remove what interrupted configuration backup runs had begun uploading: {Reason}", e.Message);
            }
        }

        StagingArea.RemoveAbandoned(dataDirectory);
    }

    /// <summary>
    /// A run killed while it uploaded leaves its file (recorded before the upload began) in the destination, although
    /// the run did not succeed: it is removed, so that the destination holds exactly the backups of successful runs.
    /// </summary>
    private async Task RemoveUploadsOfInterruptedRunsAsync(IBackupStore store, CancellationToken cancellationToken)
    {
        var left = await session.Db.TaskRuns.AsNoTracking()
            .Where(r => r.Task == Name && r.Status == RunStatus.Interrupted && r.File != null).ToListAsync(cancellationToken);
        foreach (var run in left)
        {
            if (await StorageExport.RemoveBackupAsync(store, run.File))
            {
                var error = $"{run.Error} What it had begun uploading ({run.File}) was removed.";
                await session.Db.TaskRuns.Where(r => r.Id == run.Id && r.File == run.File)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.File, (string?)null).SetProperty(r => r.Error, error), cancellationToken);
                session.Logger<ConfigBackupTask>().LogWarning("Removed {File}, which interrupted configuration backup run {Id} had begun uploading", run.File, run.Id);
            }
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
