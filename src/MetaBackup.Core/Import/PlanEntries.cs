using System.Buffers.Binary;
using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Import;

/// <summary>
/// The entries of a plan, held compactly (docs/performance.md, "Import"): a plan has an entry for every record of the
/// backup, and nearly all of them — a record created, or one left unchanged, with no note — are only an area, an
/// action, an id and a natural key. Those are kept as an 8-byte row and their text in shared 64 KiB blocks: an id as
/// the 16 bytes of its UUID when it is one written as MetaBackup writes ids (<see cref="RecordIds"/>), any other id and
/// the key as UTF-8 after a 2-byte length — about 40 bytes a record instead of the 300 of an entry object and its
/// strings. Every other entry, and any whose text does not fit a block, is kept as it is. An entry read back is built
/// again on each read, equal to the one added.
/// </summary>
internal sealed class PlanEntries : IReadOnlyList<PlanEntry>
{
    private const int BlockBits = 16;
    private const int BlockSize = 1 << BlockBits;

    /// <summary>A row's text position is the block's number and the offset in it in one non-negative int.</summary>
    private const int MaxBlocks = int.MaxValue >> BlockBits;

    private const int GuidBytes = 16;

    /// <summary>Refuses text that UTF-8 cannot hold exactly (a lone surrogate): such an entry is kept as it is.</summary>
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Dictionary<string, byte> AreaIndex =
        ConfigurationAreas.All.Select((a, i) => (a.Name, Index: (byte)i)).ToDictionary(a => a.Name, a => a.Index, StringComparer.Ordinal);

    private List<Row> _rows;
    private readonly List<PlanEntry> _whole = [];
    private readonly List<byte[]> _blocks = [];
    private int _used;

    /// <param name="expected">How many entries the plan will likely hold (the backup's records): the rows are sized for them once.</param>
    public PlanEntries(int expected = 0) => _rows = new List<Row>(expected);

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

    /// <summary>
    /// Every entry, in order, without building those kept compact: an entry kept whole is handed over as it is, a compact
    /// one as its area, action and id (its UTF-8, which holds only for the call) and whether its backup id is that id.
    /// </summary>
    public void Visit(Action<PlanEntry> whole, CompactEntryVisitor compact)
    {
        var guidText = new byte[2 * GuidBytes];
        foreach (var row in _rows)
        {
            if (row.Where < 0)
            {
                whole(_whole[~row.Where]);
                continue;
            }

            var text = TextOf(row);
            ReadOnlySpan<byte> id;
            if (row.Flags.HasFlag(RowFlags.IdIsGuid))
            {
                new Guid(text[..GuidBytes]).TryFormat(guidText, out var written, "N");
                id = guidText.AsSpan(0, written);
            }
            else
            {
                id = text.Slice(sizeof(ushort), BinaryPrimitives.ReadUInt16LittleEndian(text));
            }

            compact(ConfigurationAreas.All[row.Area].Name, (PlanAction)row.Action, id, row.Flags.HasFlag(RowFlags.HasBackupId));
        }
    }

    /// <summary>The entries kept whole, in order: the only ones with changes, a reason or a missing secret.</summary>
    public IEnumerable<PlanEntry> KeptWhole()
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            if (_rows[i].Where < 0)
            {
                yield return _whole[~_rows[i].Where];
            }
        }
    }

    private (string Area, PlanAction Action) KindOf(Row row) =>
        row.Where < 0 ? (_whole[~row.Where].Area, _whole[~row.Where].Action) : (ConfigurationAreas.All[row.Area].Name, (PlanAction)row.Action);

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
            && TryStore(entry.Id, entry.Key) is var (position, idIsGuid))
        {
            var flags = (entry.BackupId is null ? RowFlags.None : RowFlags.HasBackupId) | (idIsGuid ? RowFlags.IdIsGuid : RowFlags.None);
            return new Row(position, area, (byte)entry.Action, flags);
        }

        _whole.Add(entry);
        return new Row(~(_whole.Count - 1), 0, (byte)entry.Action, RowFlags.None);
    }

    private PlanEntry Read(Row row)
    {
        if (row.Where < 0)
        {
            return _whole[~row.Where];
        }

        var text = TextOf(row);
        string id;
        if (row.Flags.HasFlag(RowFlags.IdIsGuid))
        {
            id = new Guid(text[..GuidBytes]).ToString("N");
            text = text[GuidBytes..];
        }
        else
        {
            id = ReadText(ref text);
        }

        var key = ReadText(ref text);
        return new PlanEntry(ConfigurationAreas.All[row.Area].Name, id, row.Flags.HasFlag(RowFlags.HasBackupId) ? id : null, key, (PlanAction)row.Action, [], null, []);
    }

    /// <summary>A compact row's texts — its id, then its key — from where they start to the end of their block.</summary>
    private ReadOnlySpan<byte> TextOf(Row row) => _blocks[row.Where >> BlockBits].AsSpan(row.Where & (BlockSize - 1));

    /// <summary>
    /// Both texts in the current block or a new one: where they are, and whether the id is kept as a UUID's bytes;
    /// null when UTF-8 cannot hold them exactly, or they do not fit a block.
    /// </summary>
    private (int Position, bool IdIsGuid)? TryStore(string id, string key)
    {
        var idIsGuid = IsGuidAsMetaBackupWritesIt(id, out var guid);
        int idBytes, keyBytes;
        try
        {
            idBytes = idIsGuid ? GuidBytes : sizeof(ushort) + Strict.GetByteCount(id);
            keyBytes = Strict.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }

        var size = idBytes + sizeof(ushort) + keyBytes;
        if (idBytes > sizeof(ushort) + ushort.MaxValue || keyBytes > ushort.MaxValue || size > BlockSize)
        {
            return null;
        }

        if (_blocks.Count == 0 || _used + size > BlockSize)
        {
            if (_blocks.Count == MaxBlocks)
            {
                return null;
            }

            _blocks.Add(new byte[BlockSize]);
            _used = 0;
        }

        var start = _used;
        var span = _blocks[^1].AsSpan(start, size);
        if (idIsGuid)
        {
            guid.TryWriteBytes(span);
        }
        else
        {
            WriteText(span, id, idBytes - sizeof(ushort));
        }

        WriteText(span[idBytes..], key, keyBytes);
        _used += size;
        return (((_blocks.Count - 1) << BlockBits) | start, idIsGuid);
    }

    /// <summary>32 lower-case hex digits, which its 16 bytes give back exactly (<see cref="RecordIds.New"/>).</summary>
    private static bool IsGuidAsMetaBackupWritesIt(string id, out Guid guid)
    {
        guid = default;
        Span<char> written = stackalloc char[32];
        return id.Length == 32
            && Guid.TryParseExact(id, "N", out guid)
            && guid.TryFormat(written, out _, "N")
            && written.SequenceEqual(id);
    }

    private static void WriteText(Span<byte> into, string text, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(into, (ushort)length);
        Strict.GetBytes(text, into[sizeof(ushort)..]);
    }

    private static string ReadText(ref ReadOnlySpan<byte> from)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(from);
        var text = Strict.GetString(from.Slice(sizeof(ushort), length));
        from = from[(sizeof(ushort) + length)..];
        return text;
    }

    [Flags]
    private enum RowFlags : byte
    {
        None = 0,
        HasBackupId = 1,
        IdIsGuid = 2,
    }

    /// <summary>A compact entry's parts (<see cref="Visit"/>).</summary>
    public delegate void CompactEntryVisitor(string area, PlanAction action, ReadOnlySpan<byte> idUtf8, bool hasBackupId);

    /// <summary>
    /// An entry: where its text is (block and offset, see <see cref="BlockBits"/>), or, when negative, the complement
    /// of which entry kept whole it is. 8 bytes.
    /// </summary>
    private readonly record struct Row(int Where, byte Area, byte Action, RowFlags Flags);
}
