using MetaBackup.Core.Application;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Server.Imports;

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
}

/// <summary>
/// One import in progress, owned by the actor who started it: the backup staged in a private directory of the data
/// directory (removed with the session), the key supplied for it (kept in memory only), what validation found, and
/// the plan last shown — which is what apply applies.
/// </summary>
public sealed class ImportSession(string id, string owner, string source, IDisposable staging, string path) : IDisposable
{
    public string Id { get; } = id;

    public string Owner { get; } = owner;

    /// <summary>Where the backup came from, for people: the uploaded file's name, or DESTINATION:FILE.</summary>
    public string Source { get; } = source;

    public string Path { get; } = path;

    public ImportSessionState State { get; set; } = ImportSessionState.Valid;

    public AesKey? Key { get; set; }

    public BackupSummary? Backup { get; set; }

    /// <summary>Why validation refused the backup, when it did.</summary>
    public string? Refusal { get; set; }

    public ImportOptions? PlannedOptions { get; set; }

    public PlanView? Plan { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    /// <summary>One request at a time works on a session (never disposed: it holds no wait handle, and a request may release it after the session ended).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public void Dispose() => staging.Dispose();
}

/// <summary>An import session as the API shows it (never the key, never the backup's content).</summary>
public sealed record ImportSessionView(string Id, string Source, ImportSessionState State, BackupSummary? Backup, string? Refusal, PlanView? Plan, DateTimeOffset ExpiresAt);
