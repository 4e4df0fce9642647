using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Snapshots;
using MetaBackup.Core.Storage;

namespace MetaBackup.Core.Application;

/// <summary>Where a backup to validate or import comes from.</summary>
public abstract record BackupInput
{
    private BackupInput()
    {
    }

    /// <summary>A file on this machine (for the API: an upload, staged by the import session).</summary>
    public sealed record File(string Path) : BackupInput;

    /// <summary>A backup in a storage destination, downloaded into a staging area for as long as it is needed.</summary>
    public sealed record InDestination(string Storage, string Name) : BackupInput;

    /// <summary>A local copy of the backup for the duration of <paramref name="use"/>.</summary>
    internal async Task<T> WithLocalCopyAsync<T>(OperationContext context, Func<string, Task<T>> use, CancellationToken cancellationToken)
    {
        if (this is File file)
        {
            return await use(file.Path);
        }

        var source = (InDestination)this;
        var adapters = new AdaptersService(context.Session);
        var adapter = await adapters.FindOfKindAsync(source.Storage, AdapterKind.Storage, "The backup's destination", cancellationToken);
        var store = await adapters.StoreForAsync(adapter, context.Services.Stores, cancellationToken: cancellationToken);
        using var staged = await new StorageExport(context.Session, context.DataDirectory).DownloadAsync(store, source.Name, cancellationToken);
        return await use(staged.Path);
    }
}

/// <summary>
/// Copies a backup (and its sidecar) from a storage destination into a private staging area for a later import — an
/// import session keeps it for as long as it lives; disposing the result deletes the copy.
/// </summary>
public sealed record FetchBackup(string Storage, string Name) : Operation<StagedBackup>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<StagedBackup> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        var adapter = await adapters.FindOfKindAsync(Storage, AdapterKind.Storage, "The backup's destination", cancellationToken);
        var store = await adapters.StoreForAsync(adapter, context.Services.Stores, cancellationToken: cancellationToken);
        return await new StorageExport(context.Session, context.DataDirectory).DownloadAsync(store, Name, cancellationToken);
    }
}

/// <summary>Checks a backup without changing anything: it opens and authenticates, its version is known, it is well-formed, it does not clash.</summary>
public sealed record ValidateBackup(BackupInput Source, AesKey? Key, Action<string>? Progress = null) : Operation<ValidationOutcome>
{
    public override string Permission => Permissions.ConfigImport;

    internal override Task<ValidationOutcome> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        Source.WithLocalCopyAsync(
            context,
            async path =>
            {
                var report = await context.Importer().ValidateImportAsync(path, Key, cancellationToken, Progress);
                return new ValidationOutcome(BackupSummary.Of(report.Source, report.Plan));
            },
            cancellationToken);
}

/// <summary>
/// Imports a backup (docs/recovery.md): validate, plan, safety snapshot, apply in one transaction (the importer
/// audits it). With <see cref="ExpectedPlan"/> — the digest of a plan shown earlier — the import applies exactly
/// that plan, or is refused as stale when the configuration changed since.
/// </summary>
public sealed record ImportBackup(BackupInput Source, ImportOptions Options, AesKey? Key, Action<string>? Progress = null, string? ExpectedPlan = null) : Operation<ImportOutcome>
{
    public override string Permission => Permissions.ConfigImport;

    internal override Task<ImportOutcome> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        Source.WithLocalCopyAsync(
            context,
            async path =>
            {
                var result = await context.Importer().ImportConfigAsync(path, Options, Key, Progress, cancellationToken, ExpectedPlan);
                return new ImportOutcome(BackupSummary.Of(result.Source, result.Plan), PlanView.Of(result.Plan), result.Applied, result.SafetySnapshot);
            },
            cancellationToken);
}

/// <summary>
/// A step of an import session that only reads or ends the session (its state is kept by the server, docs/api.md
/// "Import sessions"): nothing to do here but be allowed — it needs the import permission, as every other step does.
/// </summary>
public sealed record ContinueImport : Operation<Done>
{
    public override string Permission => Permissions.ConfigImport;

    internal override Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken) => Task.FromResult(Done.Value);
}

public sealed record ListSnapshots : Operation<IReadOnlyList<SnapshotFile>>
{
    public override string Permission => Permissions.ConfigImport;

    internal override Task<IReadOnlyList<SnapshotFile>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new SafetySnapshots(context.DataDirectory).List());
}

public sealed record PruneSnapshots(int Keep) : Operation<IReadOnlyList<SnapshotFile>>
{
    public override string Permission => Permissions.ConfigImport;

    public override AuditEntry Audit => new("snapshots.prune", $"keep {Keep}");

    internal override async Task<IReadOnlyList<SnapshotFile>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var deleted = new SafetySnapshots(context.DataDirectory).Prune(Keep);
        await context.Session.Db.SaveChangesAsync(cancellationToken);
        return deleted;
    }
}
