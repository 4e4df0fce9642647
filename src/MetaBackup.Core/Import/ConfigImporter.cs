using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Snapshots;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Import;

/// <summary>What validation found, without changing anything.</summary>
/// <param name="Source">How the backup was opened.</param>
/// <param name="Document">What the document says about itself.</param>
/// <param name="Plan">What a merge import of it would do (matches by natural key, skips and their reasons).</param>
public sealed record ValidationReport(OpenedBackup Source, DocumentInfo Document, ImportPlan Plan);

/// <summary>
/// ValidateImport and ImportConfig (docs/recovery.md). Validation opens and authenticates the file,
/// checks its version and schema and its consistency, and plans against the database, changing
/// nothing; any problem is an <see cref="ImportRefusedException"/>. Importing validates the same way,
/// then — inside one write transaction that keeps every other writer out, so that the plan and what it
/// changes are the same state — plans, takes the safety snapshot of that state, applies the plan,
/// records it in the audit log, and commits. A dry run plans on a read snapshot and changes nothing.
/// </summary>
public sealed class ConfigImporter(ConfigurationSession session, DataDirectory dataDirectory, DocumentLimits? limits = null)
{
    /// <summary>
    /// Whether the process answers no one else while it imports (<see cref="Application.ApplicationServices.RunsAlone"/>):
    /// then an import into an empty configuration takes the database to itself for its transaction, if no other
    /// connection has it open (<see cref="IDatabaseProvider.TakeAloneForBulkLoadAsync"/>).
    /// </summary>
    public bool RunsAlone { get; init; }

    public async Task<ValidationReport> ValidateImportAsync(string path, AesKey? suppliedKey, CancellationToken cancellationToken = default, Action<string>? progress = null)
    {
        var (source, info) = await OpenAndValidateAsync(path, suppliedKey, inserting: false, progress ?? (_ => { }), cancellationToken);
        await using var read = await session.BeginReadSnapshotAsync(cancellationToken);
        var plan = await new ImportPlanner(session, source.Document, info, new ImportOptions(ImportMode.Merge)).PlanAsync(cancellationToken);
        return new ValidationReport(source, info, plan);
    }

    /// <param name="path">The backup file.</param>
    /// <param name="options">Mode, areas, records, dry run.</param>
    /// <param name="suppliedKey">A key from outside the vault (a Recovery Kit).</param>
    /// <param name="progress">Told of each step.</param>
    /// <param name="cancellationToken">Stops the import; nothing is changed then.</param>
    /// <param name="expectedPlan">The <see cref="ImportPlan.Digest"/> of the plan to apply: when planning again inside the transaction gives another plan, the configuration changed since, and the import is refused.</param>
    public async Task<ImportResult> ImportConfigAsync(string path, ImportOptions options, AesKey? suppliedKey, Action<string>? progress = null, CancellationToken cancellationToken = default, string? expectedPlan = null)
    {
        progress ??= _ => { };
        var (source, info) = await OpenAndValidateAsync(path, suppliedKey, inserting: !options.DryRun, progress, cancellationToken);
        progress("validated");
        if (options.DryRun)
        {
            progress("planning");
            await using var read = await session.BeginReadSnapshotAsync(cancellationToken);
            return new ImportResult(await new ImportPlanner(session, source.Document, info, options).PlanAsync(cancellationToken), false, null, source);
        }

        var db = session.Db;
        string? snapshot = null;
        ImportPlan plan;
        // Asked before the transaction, which the database's journal cannot change inside; asked again inside it, where
        // the answer holds (docs/database.md, "Loading in bulk").
        await using (var alone = RunsAlone && await IsEmptyAsync(cancellationToken) ? await session.TakeAloneForBulkLoadAsync(cancellationToken) : null)
        await using (var transaction = await session.BeginWriteAsync(cancellationToken))
        {
            try
            {
                progress("planning");
                var planner = new ImportPlanner(session, source.Document, info, options);
                using var applier = new ImportApplier(session);
                if (await IsEmptyAsync(cancellationToken))
                {
                    // Into an empty configuration — a server being rebuilt — what the plan creates is inserted as it is
                    // planned, and rolled back with the rest if the plan is refused or not the one expected
                    // (docs/recovery.md, "Applying: all or nothing").
                    snapshot = await TakeSafetySnapshotAsync(progress, cancellationToken);
                    progress("applying");
                    // The records go in with the configuration's indexes set aside, and each index is made once over
                    // them — before anything reads by one (docs/database.md, "Loading in bulk").
                    var indexes = await session.SetIndexesAsideAsync(cancellationToken);
                    await using (var creating = applier.InsertBehind(cancellationToken))
                    {
                        plan = await planner.PlanAsync(cancellationToken, creating);
                        await creating.CompleteAsync(cancellationToken);
                    }

                    await indexes.RestoreAsync(cancellationToken);
                    CheckIsExpected(plan, expectedPlan);
                    plan.MakeDigestAhead();
                    await applier.ApplyAsync(plan, progress, cancellationToken, createdAsPlanned: true);
                }
                else
                {
                    plan = await planner.PlanAsync(cancellationToken);
                    CheckIsExpected(plan, expectedPlan);
                    plan.MakeDigestAhead();
                    PhaseBoundary.ReleaseGarbage(plan.Entries.Count);
                    snapshot = await TakeSafetySnapshotAsync(progress, cancellationToken);
                    await applier.ApplyAsync(plan, progress, cancellationToken);
                }

                progress("applied");
                session.Audit("config.import", $"{Path.GetFileName(path)} ({WireName.Of(options.Mode)}); snapshot {Path.GetFileName(snapshot)}");
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch
            {
                await RollBackAsync(transaction);
                db.ChangeTracker.Clear();
                if (snapshot is not null)
                {
                    // Nothing changed, so there is nothing to roll back to.
                    File.Delete(snapshot);
                }

                throw;
            }
        }

        // Committed: from here nothing may undo the import or report it failed — and its safety snapshot is the way back.
        progress("committed");
        try
        {
            new SafetySnapshots(dataDirectory).Prune(SafetySnapshots.DefaultKeep);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            session.Logger<ConfigImporter>().LogWarning("Could not prune old safety snapshots after the import: {Reason}", e.Message);
        }

        session.Logger<ConfigImporter>().LogInformation(
            "Imported {File} in {Mode} mode: {Summary}; safety snapshot {Snapshot}",
            Path.GetFileName(path), options.Mode, plan.Summary(), snapshot);
        return new ImportResult(plan, true, snapshot, source);
    }

    /// <summary>Whether the configuration holds no record of any area.</summary>
    private Task<bool> IsEmptyAsync(CancellationToken cancellationToken) => session.Db.HoldsNoRecordsAsync(cancellationToken);

    /// <summary>
    /// Rolls back an import that failed, without hiding why it failed: a rollback that cannot be made — the connection
    /// broken by the failure itself, as a PostgreSQL operation cancelled halfway breaks it — has nothing to undo, since a
    /// transaction ends uncommitted when its connection does (docs/recovery.md, "Applying: all or nothing"). The
    /// failure being reported is the one the operator needs; a rollback's own error would have replaced it.
    /// </summary>
    private async Task RollBackAsync(IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Its type only: a database's message may quote the values of the row it was writing.
            session.Logger<ConfigImporter>().LogWarning("The failed import's rollback could not be made ({Error}); its transaction ended uncommitted with its connection.", e.GetType().Name);
        }
    }

    /// <summary>The safety snapshot of the state the import changes, inside its transaction (docs/recovery.md).</summary>
    private async Task<string> TakeSafetySnapshotAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var snapshot = await new ConfigExporter(session).ExportSnapshotAsync(dataDirectory.SnapshotsDirectory, cancellationToken);
        progress($"safety snapshot {snapshot}");
        return snapshot;
    }

    /// <summary>Planning again inside the transaction gave another plan than the one shown: the configuration changed since.</summary>
    private static void CheckIsExpected(ImportPlan plan, string? expectedPlan)
    {
        if (expectedPlan is not null && plan.Digest != expectedPlan)
        {
            throw new ConflictException(
                "The configuration changed since this import was planned, so the plan shown is no longer what the import would do; nothing was changed.",
                "Plan the import again, check the new plan, and apply that.",
                details: new Dictionary<string, string> { ["stalePlan"] = expectedPlan });
        }
    }

    /// <param name="inserting">Whether the import goes on to insert records, once validated (not a validation, not a dry run).</param>
    private async Task<(OpenedBackup, DocumentInfo)> OpenAndValidateAsync(string path, AesKey? suppliedKey, bool inserting, Action<string> progress, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path) is { Exists: true } file ? $"{file.Length} bytes" : "missing";
        progress($"opening {Path.GetFileName(path)} ({size})");
        MadeAhead.Start(inserting ? session.Db.Model : null);
        var source = await new BackupOpener(session, limits).OpenAsync(path, suppliedKey, cancellationToken);
        progress($"checking the document{(source.KeySource is { } key ? $" (opened with {key})" : "")}");
        var info = await DocumentValidator.ValidateAsync(source.Document, limits, cancellationToken);
        PhaseBoundary.ReleaseGarbage(source.Document.RecordCount);
        return (source, info);
    }
}
