using System.Runtime.InteropServices;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>
/// What the planner knows of every record of a backup without holding the record (docs/performance.md, "Import"):
/// that it is in the backup, its kind (adapters), the id it will have, and whether the import brings it in. Keyed by
/// a 128-bit hash of the record's id, about 48 bytes a record: the validator refused a document where two ids of an
/// area hash alike, so within a validated document a hash names one record.
/// </summary>
internal sealed class BackupRecordIndex
{
    private readonly Dictionary<string, Dictionary<UInt128, Entry>> _areas =
        ConfigurationAreas.All.ToDictionary(a => a.Name, _ => new Dictionary<UInt128, Entry>());

    public void Add(string area, string backupId, string? kind) =>
        _areas[area][ValueHash.Of(backupId)] = new Entry { Kind = kind is null ? null : string.Intern(kind) };

    public bool Contains(string area, string backupId) => _areas[area].ContainsKey(ValueHash.Of(backupId));

    public string? KindOf(string area, string backupId) => _areas[area][ValueHash.Of(backupId)].Kind;

    /// <summary>The id the record will have after the import: its own, or that of the stored record it updates.</summary>
    public string FinalIdOf(string area, string backupId) => _areas[area][ValueHash.Of(backupId)].FinalId ?? backupId;

    public void SetFinalId(string area, string backupId, string finalId) =>
        Ref(area, backupId).FinalId = finalId == backupId ? null : finalId;

    /// <summary>Whether the import brings the record in (false until it was planned, and for a skipped one).</summary>
    public bool Imported(string area, string backupId) =>
        _areas[area].TryGetValue(ValueHash.Of(backupId), out var entry) && entry.Imported;

    public void SetImported(string area, string backupId, bool imported) => Ref(area, backupId).Imported = imported;

    /// <summary>Whether the plan creates the record: the applier reads such records from the document again rather than keep them.</summary>
    public bool Creates(string area, string backupId) =>
        _areas[area].TryGetValue(ValueHash.Of(backupId), out var entry) && entry.Creates;

    public void SetCreates(string area, string backupId) => Ref(area, backupId).Creates = true;

    private ref Entry Ref(string area, string backupId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_areas[area], ValueHash.Of(backupId));
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            throw new InvalidOperationException($"{area} record {backupId} is not in the backup.");
        }

        return ref entry;
    }

    private struct Entry
    {
        public string? FinalId;
        public string? Kind;
        public bool Imported;
        public bool Creates;
    }
}
