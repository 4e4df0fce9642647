using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Import;

/// <summary>What an import does to one record.</summary>
public enum PlanAction
{
    Create,
    Update,
    Delete,
    Skip,
    Unchanged,
}

/// <summary>A changed field. Secrets never show values: <see cref="Old"/> and <see cref="New"/> are null and <see cref="Secret"/> is set.</summary>
public sealed record FieldChange(string Field, JsonNode? Old, JsonNode? New, bool Secret = false)
{
    public override string ToString() => Secret ? $"{Field}: changed" : $"{Field}: {Old?.ToJsonString() ?? "null"} → {New?.ToJsonString() ?? "null"}";
}

/// <summary>One line of the plan (docs/recovery.md, "The plan").</summary>
/// <param name="Area">The area.</param>
/// <param name="Id">The record's id after the import (the database's id when it was matched by natural key).</param>
/// <param name="BackupId">The record's id in the backup; null for deletions.</param>
/// <param name="Key">The record's natural key, for people.</param>
/// <param name="Action">create, update, delete, skip or unchanged.</param>
/// <param name="Changes">For updates: what changes.</param>
/// <param name="Reason">For skips: why; for natural-key matches: which record was matched.</param>
/// <param name="NeedsSecret">Secret fields the record will lack after the import.</param>
public sealed record PlanEntry(
    string Area,
    string Id,
    string? BackupId,
    string Key,
    PlanAction Action,
    IReadOnlyList<FieldChange> Changes,
    string? Reason,
    IReadOnlyList<string> NeedsSecret);

/// <summary>The whole plan: every record of the backup in scope, and every deletion.</summary>
public sealed class ImportPlan
{
    internal ImportPlan(ImportOptions options, DocumentInfo document, PlanEntries entries, IReadOnlyList<PlannedRecord> work, IReadOnlyList<string> warnings, IReadOnlySet<StoredSecret> keptUnreadable, Func<IEnumerable<(ConfigurationArea Area, ConfigRecord? Record, IReadOnlyDictionary<string, SecretText?> Secrets)>> creations)
    {
        Creations = creations;
        KeptUnreadable = keptUnreadable;
        Options = options;
        Document = document;
        _entries = entries;
        _digest = new Lazy<string>(() => PlanDigest.Of(options, entries));
        Work = work;
        Warnings = warnings;
    }

    public ImportOptions Options { get; }

    public DocumentInfo Document { get; }

    public IReadOnlyList<PlanEntry> Entries => _entries;

    private readonly PlanEntries _entries;

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// A fingerprint of what the plan does — its options and every entry — so that a plan shown to an
    /// operator can be applied exactly, or refused as stale (docs/recovery.md, "Import sessions").
    /// </summary>
    public string Digest => _digest.Value;

    private readonly Lazy<string> _digest;

    /// <summary>
    /// Starts making <see cref="Digest"/> on another core, for an import that reports it once it has verified and
    /// committed what it applied: the digest reads every entry, a third of a second at a million (docs/performance.md,
    /// "Import"). Whoever asks for it first after that waits for it rather than making it again.
    /// </summary>
    internal void MakeDigestAhead() => _ = Task.Run(() => _digest.Value);

    /// <summary>
    /// Records that will lack a secret, e.g. "adapters 'database/prod': config.password": those the import
    /// leaves without one, and those whose stored secret cannot be decrypted and that the import leaves alone. Only an
    /// entry kept whole can lack one (<see cref="PlanEntries"/>), so the compact ones are not read.
    /// </summary>
    public IEnumerable<string> NeedsSecret =>
        _entries.KeptWhole().Where(e => e.Action != PlanAction.Delete && e.Action != PlanAction.Skip)
            .SelectMany(e => e.NeedsSecret.Select(secretField => $"{e.Area} '{e.Key}': {secretField}"))
            .Concat(KeptUnreadable.Select(s => $"{s.Area.Name} '{s.Key}': {SecretFields.NameOf(s.Property)}"))
            .Distinct();

    /// <summary>Per area, how many records each action touches (counted in one pass, without building the entries).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts
    {
        get
        {
            var counts = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => new int[Enum.GetValues<PlanAction>().Length]);
            foreach (var (area, action) in _entries.Kinds())
            {
                counts[area][(int)action]++;
            }

            return counts.ToDictionary(
                c => c.Key,
                c => (IReadOnlyDictionary<string, int>)Enum.GetValues<PlanAction>().ToDictionary(WireName.Of, action => c.Value[(int)action]));
        }
    }

    /// <summary>How many records each action touches, in a line for the log (e.g. "120 Create, 3 Update").</summary>
    public string Summary()
    {
        var counts = new int[Enum.GetValues<PlanAction>().Length];
        foreach (var (_, action) in _entries.Kinds())
        {
            counts[(int)action]++;
        }

        return string.Join(", ", Enum.GetValues<PlanAction>().Where(a => counts[(int)a] > 0).Select(a => $"{counts[(int)a]} {a}"));
    }

    /// <summary>The work of the entries that have some (see <see cref="PlannedRecord"/>).</summary>
    internal IReadOnlyList<PlannedRecord> Work { get; }

    /// <summary>
    /// The records the plan creates, built again from the backup's document as the plan built them — a plan does not
    /// hold them (docs/performance.md, "Import"); before each area's first, the area with no record.
    /// </summary>
    internal Func<IEnumerable<(ConfigurationArea Area, ConfigRecord? Record, IReadOnlyDictionary<string, SecretText?> Secrets)>> Creations { get; }

    /// <summary>Stored secrets that could not be decrypted before the import and that it leaves as they are.</summary>
    internal IReadOnlySet<StoredSecret> KeptUnreadable { get; }
}

/// <summary>One secret field of one stored record.</summary>
internal sealed record StoredSecret(ConfigurationArea Area, string Id, System.Reflection.PropertyInfo Property)
{
    /// <summary>The record's natural key, for people; not part of the identity.</summary>
    public string Key { get; init; } = "";

    public bool Equals(StoredSecret? other) => other is not null && Area == other.Area && Id == other.Id && Property == other.Property;

    public override int GetHashCode() => HashCode.Combine(Area.Name, Id, Property.Name);
}

/// <summary>
/// The work behind one plan entry: the record as stored now, and as it will be. A record the plan creates (but a
/// setting) has none — the applier builds it again, see <see cref="ImportPlan.Creations"/>, or it was inserted as it
/// was planned, see <see cref="CreatedRecord"/> —, nor has one it leaves unchanged (but a setting): nothing is applied to it.
/// </summary>
/// <param name="Position">Where its entry is in the plan's entries as they were planned, before they are sorted for showing.</param>
internal sealed record PlannedRecord(
    ConfigurationArea Area,
    PlanAction Action,
    ConfigRecord? Existing,
    ConfigRecord? Incoming,
    IReadOnlyDictionary<string, SecretText?> Secrets,
    int Position);

/// <summary>
/// A record an import into an empty configuration creates, as the planner built it, and its secrets, not yet sealed:
/// handed over to be inserted while planning goes on (<see cref="ImportApplier.InsertBehind"/>).
/// </summary>
internal readonly record struct CreatedRecord(ConfigRecord Record, IReadOnlyDictionary<string, SecretText?> Secrets);
