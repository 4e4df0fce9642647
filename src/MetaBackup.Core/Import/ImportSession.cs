using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Import;

/// <summary>Where an import session stands (docs/api.md, "Import sessions").</summary>
public enum ImportSessionState
{
    /// <summary>The backup is encrypted with a key the vault does not have: supply it.</summary>
    NeedsKey,

    /// <summary>Validation refused the backup; the refusal says why (a different key can still be tried).</summary>
    Refused,

    /// <summary>The backup is valid: ask for a plan.</summary>
    Valid,

    /// <summary>A plan was made: apply exactly it, or ask for another.</summary>
    Planned,

    /// <summary>The plan was applied; the result is kept for its owner to read until the session expires.</summary>
    Applied,
}

/// <summary>
/// One import in progress (docs/api.md, "Import sessions"), kept in the database so that it survives a reload, a
/// restart, or another server answering: who started it, where the backup came from, the key supplied for it (sealed
/// under the system key), what validation found, the plan last shown — which is what apply applies — and, once
/// applied, the result. The backup itself is staged owner-only under <c>&lt;data dir&gt;/imports/&lt;id&gt;/</c>.
/// History, not configuration: never exported.
/// </summary>
public sealed class ImportSession
{
    public required string Id { get; set; }

    /// <summary>The actor who started it (its name as the audit log shows it); only it sees the session.</summary>
    public required string Owner { get; set; }

    /// <summary>Where the backup came from, for people: the uploaded file's name, or DESTINATION:FILE.</summary>
    public required string Source { get; set; }

    /// <summary>The staged backup's file name in the session's directory (the original name, made safe).</summary>
    public required string FileName { get; set; }

    public ImportSessionState State { get; set; }

    /// <summary>The key supplied for the backup, sealed under the system key; null when the vault's keys open it.</summary>
    public EncryptedSecret? SuppliedKey { get; set; }

    /// <summary>Why validation refused the backup, when it did.</summary>
    public string? Refusal { get; set; }

    /// <summary>What the backup holds (<c>BackupSummary</c> as JSON), once it validated.</summary>
    public string? Backup { get; set; }

    /// <summary>The options of the plan last made (<c>ImportOptions</c> as JSON).</summary>
    public string? PlanOptions { get; set; }

    /// <summary>The plan last made (<c>PlanView</c> as JSON); its digest is what apply must name.</summary>
    public string? Plan { get; set; }

    /// <summary>What applying did (<c>ImportOutcome</c> as JSON).</summary>
    public string? Result { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }
}
