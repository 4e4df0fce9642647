using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;
using MetaBackup.Core.Snapshots;

namespace MetaBackup.Core.Application;

/// <summary>
/// Rolls the configuration back to a safety snapshot (docs/recovery.md, "Safety snapshot"): a full import of the
/// snapshot, which the system key opens. It is an import like any other — planned, applied in one transaction,
/// audited, and preceded by a snapshot of its own, so a rollback can be rolled back too.
/// </summary>
public sealed record RollBackToSnapshot(string Snapshot) : Operation<ImportOutcome>
{
    public override string Permission => Permissions.ConfigImport;

    public override AuditEntry Audit => new("import.rollback", Snapshot);

    internal override Task<ImportOutcome> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        // By name among the snapshots this server took: never a path the caller chose.
        var snapshot = new SafetySnapshots(context.DataDirectory).List().FirstOrDefault(s => s.Name == Snapshot || s.Path == Snapshot)
            ?? throw new MetaBackupException($"There is no safety snapshot '{Snapshot}'.", "List the safety snapshots to see which exist.", code: ErrorCode.NotFound, details: new Dictionary<string, string> { ["snapshot"] = Snapshot });
        return new ImportBackup(new BackupInput.File(snapshot.Path), new ImportOptions(ImportMode.Full), null).RunAsync(context, cancellationToken);
    }
}
