using System.Buffers.Binary;
using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Import;

/// <summary>
/// The entries of a plan, held compactly (docs/performance.md, "Import"): a plan has an entry for every record of the
/// backup, and nearly all of them — a record created, or one left unchanged, with no note — are only an area, an
/// action, an id and a natural key. Those are kept as a 16-byte row and their text as UTF-8 in shared blocks, about 95
/// bytes a record instead of the 300 of an entry object and its strings; every other entry is kept as it is. An entry
/// read back is built again on each read, equal to the one added.
/// </summary>
internal sealed class PlanEntries : IReadOnlyList<PlanEntry>
{
    private const int BlockSize = 64 * 1024;

    /// <summary>Refuses text that UTF-8 cannot hold exactly (a lone surrogate): such an entry is kept as it is.</summary>
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Dictionary<string, byte> AreaIndex =
        ConfigurationAreas.All.Select((a, i) => (a.Name, Index: (byte)i)).ToDictionary(a => a.Name, a => a.Index, StringComparer.Ordinal);

    private List<Row> _rows = [];
    private readonly List<PlanEntry> _whole = [];
    private readonly List<byte[]> _blocks = [];
    private int _used;

    public int Count => _rows.Count;

    public PlanEntry this[int index]
    {
        get => Read(_rows[index]);
        set => _rows[index] = Write(value);
    }

    public void Add(PlanEntry entry) => _rows.Add(Write(entry));

    /// <summary>
    /// Orders the entries by <paramref name="rank"/> (from 0 to <paramref name="ranks"/> − 1), keeping the order they
    /// were added in among equal ranks: counted, then placed, one new table of rows and nothing else however many.
    /// </summary>
    public void SortBy(int ranks, Func<string, PlanAction, int> rank)
    {
        int RankOf(Row row)
        {
            var (area, action) = KindOf(row);
            return rank(area, action);
        }

        var next = new int[ranks];
        foreach (var row in _rows)
        {
            next[RankOf(row)]++;
        }

        for (int i = 0, start = 0; i < ranks; i++)
        {
            (next[i], start) = (start, start + next[i]);
        }

        var sorted = new List<Row>(_rows.Count);
        CollectionsMarshal.SetCount(sorted, _rows.Count);
        var into = CollectionsMarshal.AsSpan(sorted);
        foreach (var row in _rows)
        {
            into[next[RankOf(row)]++] = row;
        }

        _rows = sorted;
    }

    /// <summary>The area and action of every entry, in order, read without building the entries.</summary>
    public IEnumerable<(string Area, PlanAction Action)> Kinds()
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            yield return KindOf(_rows[i]);
        }
    }

    private (string Area, PlanAction Action) KindOf(Row row) =>
        row.Whole >= 0 ? (_whole[row.Whole].Area, _whole[row.Whole].Action) : (ConfigurationAreas.All[row.Area].Name, (PlanAction)row.Action);

    public IEnumerator<PlanEntry> GetEnumerator()
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            yield return Read(_rows[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Row Write(PlanEntry entry)
    {
        if (entry.Changes.Count == 0 && entry.NeedsSecret.Count == 0 && entry.Reason is null
            && (entry.BackupId is null || entry.BackupId == entry.Id)
            && AreaIndex.TryGetValue(entry.Area, out var area)
            && TryStore(entry.Id, entry.Key) is var (block, offset))
        {
            return new Row(block, offset, Whole: -1, area, (byte)entry.Action, entry.BackupId is not null);
        }

        _whole.Add(entry);
        return new Row(0, 0, _whole.Count - 1, 0, (byte)entry.Action, false);
    }

    private PlanEntry Read(Row row)
    {
        if (row.Whole >= 0)
        {
            return _whole[row.Whole];
        }

        var text = _blocks[row.Block].AsSpan(row.Offset);
        var id = ReadText(ref text);
        var key = ReadText(ref text);
        return new PlanEntry(ConfigurationAreas.All[row.Area].Name, id, row.HasBackupId ? id : null, key, (PlanAction)row.Action, [], null, []);
    }

    /// <summary>Both texts, each after its length, in the current block or a new one; null when UTF-8 cannot hold them.</summary>
    private (int Block, int Offset)? TryStore(string id, string key)
    {
        int idBytes, keyBytes;
        try
        {
            idBytes = Strict.GetByteCount(id);
            keyBytes = Strict.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }

        var size = (2 * sizeof(int)) + idBytes + keyBytes;
        if (_blocks.Count == 0 || _used + size > _blocks[^1].Length)
        {
            _blocks.Add(new byte[Math.Max(BlockSize, size)]);
            _used = 0;
        }

        var start = _used;
        var span = _blocks[^1].AsSpan(start, size);
        WriteText(span, id, idBytes);
        WriteText(span[(sizeof(int) + idBytes)..], key, keyBytes);
        _used += size;
        return (_blocks.Count - 1, start);
    }

    private static void WriteText(Span<byte> into, string text, int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(into, length);
        Strict.GetBytes(text, into[sizeof(int)..]);
    }

    private static string ReadText(ref Span<byte> from)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(from);
        var text = Strict.GetString(from.Slice(sizeof(int), length));
        from = from[(sizeof(int) + length)..];
        return text;
    }

    /// <summary>An entry: where its text is, or (<see cref="Whole"/> ≥ 0) which entry kept whole it is. 16 bytes.</summary>
    private readonly record struct Row(int Block, int Offset, int Whole, byte Area, byte Action, bool HasBackupId);
}
