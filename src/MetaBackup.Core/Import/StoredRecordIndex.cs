using System.Runtime.InteropServices;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>
/// What the planner knows of the stored records whose ids are not the backup's (docs/performance.md, "Import"; those
/// whose ids are, <see cref="BackupRecordIndex"/> knows): that they exist, their kind (adapters), whether a record of
/// the backup updates one (matched by natural key) and whether the import deletes it. Keyed by a 128-bit hash of the
/// record's id, 32 bytes a record: the records themselves are read from the database as the plan reaches them, so
/// that importing onto a million stored records never holds them all.
/// </summary>
/// <param name="expected">How many records each area will likely hold: each area's index is sized for them.</param>
/// <param name="deleteUnmatched">A full import: every stored record no backup record updates is deleted.</param>
internal sealed class StoredRecordIndex(Func<ConfigurationArea, int> expected, bool deleteUnmatched)
{
    private readonly Dictionary<string, Dictionary<ValueHash, Entry>> _areas =
        ConfigurationAreas.All.ToDictionary(a => a.Name, a => new Dictionary<ValueHash, Entry>(expected(a)));

    public void Add(ConfigurationArea area, ConfigRecord record)
    {
        var entry = new Entry { Kind = record is Adapter adapter ? (byte)(adapter.Kind + 1) : (byte)0, Deleted = deleteUnmatched };
        if (!_areas[area.Name].TryAdd(ValueHash.Of(record.Id), entry))
        {
            throw Indistinct(area.Name, record.Id);
        }
    }

    /// <summary>Two distinct stored ids with one 128-bit hash: possible only for ids made to; told rather than mixed up.</summary>
    public static MetaBackupException Indistinct(string area, string id) =>
        new($"Two stored {area} records have ids this import cannot tell apart (one of them is {id}); nothing was changed. Change the id of one of them before importing.");

    public int CountIn(ConfigurationArea area) => _areas[area.Name].Count;

    public bool Contains(string area, string id) => _areas[area].ContainsKey(ValueHash.Of(id));

    /// <summary>The adapter's kind ("storage"), or null for a record of another area.</summary>
    public string? KindOf(string area, string id) =>
        _areas[area][ValueHash.Of(id)].Kind is var code and > 0 ? Kinds.Name((AdapterKind)(code - 1)) : null;

    /// <summary>A record of the backup updates it (matched by natural key): it stays, even in full mode.</summary>
    public void SetMatched(string area, string id) => Keep(area, id);

    public bool Deleted(string area, string id) => _areas[area].TryGetValue(ValueHash.Of(id), out var entry) && entry.Deleted;

    /// <summary>Whether the import deletes any record of the area.</summary>
    public bool DeletesIn(ConfigurationArea area) => deleteUnmatched && _areas[area.Name].Values.Any(e => e.Deleted);

    /// <summary>Keeps a record the import would delete; false if it did not delete it.</summary>
    public bool Keep(string area, string id)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_areas[area], ValueHash.Of(id));
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || !entry.Deleted)
        {
            return false;
        }

        entry.Deleted = false;
        return true;
    }

    private struct Entry
    {
        public byte Kind;
        public bool Deleted;
    }
}
