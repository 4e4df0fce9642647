using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Application;

/// <summary>What an operation records in the audit log when it changes something.</summary>
public sealed record AuditEntry(string Action, string Target);

/// <summary>
/// One use case of MetaBackup (docs/architecture.md, "Application layer"): a request record whose
/// properties are its input, which declares the permission it needs and what it records in the audit
/// log, and which only <see cref="MetaBackupApplication"/> runs. The CLI and the API build these and
/// call the application; no rule lives in a front end.
/// </summary>
/// <typeparam name="TResult">What the operation returns.</typeparam>
public abstract record Operation<TResult>
{
    /// <summary>The permission the actor needs (<see cref="Access.Permissions"/>).</summary>
    public abstract string Permission { get; }

    /// <summary>Every permission the actor needs: <see cref="Permission"/>, and more for an operation that also hands out something guarded on its own.</summary>
    public virtual IReadOnlyList<string> RequiredPermissions => [Permission];

    /// <summary>The audit entry of an operation that changes something, recorded with the change; null for one that only reads.</summary>
    public virtual AuditEntry? Audit => null;

    internal abstract Task<TResult> RunAsync(OperationContext context, CancellationToken cancellationToken);
}

/// <summary>An operation that returns nothing worth returning.</summary>
public sealed record Done
{
    public static readonly Done Value = new();
}
