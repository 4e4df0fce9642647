using System.Runtime.InteropServices;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>
/// What the planner knows of every record of a backup without holding the record (docs/performance.md, "Import"):
/// that it is in the backup, where (its position in its area's array), its kind (adapters), the id it will have, and
/// whether the import brings it in; and whether a record of the same id is stored (and its kind), so that importing
/// onto the same records does not index them twice (<see cref="StoredRecordIndex"/> holds only the stored records of
/// other ids). Keyed by a 128-bit hash of the record's id, 32 bytes a record (and the id, for the few that take a
/// stored record's). The validator makes it as it checks that no two ids of an area are the same
/// (<see cref="DocumentValidator"/>) and refuses a document where two ids of an area hash alike, so within a validated
/// document a hash names one record.
/// </summary>
/// <param name="expected">How many records each area will hold: each area's index is sized for them once.</param>
internal sealed class BackupRecordIndex(Func<ConfigurationArea, int> expected)
{
    private readonly Dictionary<string, Dictionary<ValueHash, Entry>> _areas =
        ConfigurationAreas.All.ToDictionary(a => a.Name, a => new Dictionary<ValueHash, Entry>(expected(a)));

    /// <summary>The ids of records matched to a stored record of another id, the only ones whose id changes.</summary>
    private readonly Dictionary<(string Area, ValueHash BackupId), string> _finalIds = [];

    /// <summary>The kinds met, in order; an entry holds its kind's position plus one (0: none).</summary>
    private readonly List<string> _kinds = [];

    /// <summary>Adds the record at <paramref name="position"/> of its area; returns where a record of the same id is, if one was added before.</summary>
    public int? Add(string area, string backupId, string? kind, int position)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_areas[area], ValueHash.Of(backupId), out var exists);
        if (exists)
        {
            return entry.Position;
        }

        entry = new Entry { Kind = KindCode(kind), Position = position };
        return null;
    }

    public bool Contains(string area, string backupId) => _areas[area].ContainsKey(ValueHash.Of(backupId));

    /// <summary>
    /// What a reference to a record of the backup needs to know of it, from one hash of its id; false when the backup
    /// holds no such record. The planner asks this for every reference of every record (docs/performance.md, "Import").
    /// </summary>
    public bool TryFind(string area, string backupId, out Found found)
    {
        var hash = ValueHash.Of(backupId);
        if (!_areas[area].TryGetValue(hash, out var entry))
        {
            found = default;
            return false;
        }

        var finalId = _finalIds.Count > 0 && _finalIds.TryGetValue((area, hash), out var other) ? other : backupId;
        found = new Found(entry.Kind > 0 ? _kinds[entry.Kind - 1] : null, (entry.Flags & Flags.Imported) != 0, finalId);
        return true;
    }

    /// <summary>A record of the backup as <see cref="TryFind"/> finds it.</summary>
    /// <param name="Kind">An adapter's kind; null for a record of another area.</param>
    /// <param name="Imported">Whether the import brings it in: false until it was planned, and for a skipped one.</param>
    /// <param name="FinalId">The id it will have after the import (<see cref="FinalIdOf"/>).</param>
    public readonly record struct Found(string? Kind, bool Imported, string FinalId);

    /// <summary>The id the record will have after the import: its own, or that of the stored record it updates.</summary>
    public string FinalIdOf(string area, string backupId) =>
        _finalIds.Count > 0 && _finalIds.TryGetValue((area, ValueHash.Of(backupId)), out var finalId) ? finalId : backupId;

    public void SetFinalId(string area, string backupId, string finalId)
    {
        Ref(area, backupId);
        if (finalId == backupId)
        {
            _finalIds.Remove((area, ValueHash.Of(backupId)));
        }
        else
        {
            _finalIds[(area, ValueHash.Of(backupId))] = finalId;
        }
    }

    /// <summary>Whether the import brings the record in (<see cref="Found.Imported"/>).</summary>
    public void SetImported(string area, string backupId, bool imported) => Set(area, backupId, Flags.Imported, imported);

    /// <summary>Whether the plan creates the record: the applier reads such records from the document again rather than keep them.</summary>
    public bool Creates(string area, string backupId) => Has(area, backupId, Flags.Creates);

    public void SetCreates(string area, string backupId) => Set(area, backupId, Flags.Creates, true);

    /// <summary>Whether the record updates the stored record of its final id (matched by id or by natural key).</summary>
    public bool Matched(string area, string backupId) => Has(area, backupId, Flags.Matched);

    public void SetMatched(string area, string backupId) => Set(area, backupId, Flags.Matched, true);

    /// <summary>Whether a record of this id is stored (one of the backup's ids, not necessarily the backup's record's final id).</summary>
    public bool Stored(string area, string id) => Has(area, id, Flags.Stored);

    /// <summary>The stored record of this id's kind, as <see cref="Found.Kind"/> gives the backup's.</summary>
    public string? StoredKindOf(string area, string id) =>
        _areas[area][ValueHash.Of(id)].StoredKind is var code and > 0 ? _kinds[code - 1] : null;

    /// <summary>A record of this id is stored: it is the backup's record's, which updates it.</summary>
    public void SetStored(string area, string id, string? kind)
    {
        ref var entry = ref Ref(area, id);
        if ((entry.Flags & Flags.Stored) != 0)
        {
            throw StoredRecordIndex.Indistinct(area, id);
        }

        entry.StoredKind = KindCode(kind);
        entry.Flags |= Flags.Stored | Flags.Matched;
    }

    private bool Has(string area, string backupId, Flags flag) =>
        _areas[area].TryGetValue(ValueHash.Of(backupId), out var entry) && (entry.Flags & flag) != 0;

    private void Set(string area, string backupId, Flags flag, bool value)
    {
        ref var entry = ref Ref(area, backupId);
        entry.Flags = value ? entry.Flags | flag : entry.Flags & ~flag;
    }

    private byte KindCode(string? kind)
    {
        if (kind is null)
        {
            return 0;
        }

        var index = _kinds.IndexOf(kind);
        if (index < 0)
        {
            _kinds.Add(kind);
            index = _kinds.Count - 1;
        }

        return checked((byte)(index + 1));
    }

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
        public int Position;
        public byte Kind;
        public byte StoredKind;
        public Flags Flags;
    }

    [Flags]
    private enum Flags : byte
    {
        Imported = 1,
        Creates = 2,
        Matched = 4,
        Stored = 8,
    }
}
