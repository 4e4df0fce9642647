using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>A record of a backup, as the import reads it.</summary>
/// <param name="Area">Its area.</param>
/// <param name="Index">Its position in the area's array.</param>
/// <param name="Element">The record, brought to the current schema version, as the document holds it.</param>
internal sealed class BackupRecord(ConfigurationArea Area, int Index, JsonElement Element)
{
    private JsonObject? _tree;

    public ConfigurationArea Area { get; } = Area;

    public int Index { get; } = Index;

    /// <summary>The record as the document holds it; what <see cref="Tree"/> was made from, if it was.</summary>
    public JsonElement Element { get; } = Element;

    /// <summary>
    /// The record as a tree, to change before it is built (an adapter's configuration is taken apart; a reference is
    /// rewritten to the id it will have): made from <see cref="Element"/> the first time it is asked for. Most records
    /// never need it — making a tree of each record was a fifth of planning (docs/performance.md, "Import").
    /// </summary>
    public JsonObject Tree => _tree ??= JsonObject.Create(Element)!;

    /// <summary>Whether <see cref="Tree"/> was made: then it, not <see cref="Element"/>, is the record.</summary>
    public bool HasTree => _tree is not null;

    /// <summary>The record as <paramref name="type"/>: read from its tree if it has one, else straight from the document's bytes.</summary>
    public object Deserialize(Type type, JsonSerializerOptions options) =>
        (HasTree ? Tree.Deserialize(type, options) : Element.Deserialize(type, options))!;

    /// <summary>A string field of the record (null when absent or null), from its tree if it has one.</summary>
    public string? StringField(string field) =>
        HasTree ? Tree[field]?.GetValue<string>() : Element.TryGetProperty(field, out var value) ? value.GetString() : null;

    /// <summary>Its id: the record's "id" field, which the schema requires; read once, as planning asks for it several times.</summary>
    public string Id => _id ??= Element.GetProperty("id").GetString()!;

    private string? _id;

    /// <summary>Where it is in the document, for messages: <c>$.jobs[2]</c>.</summary>
    public string Path => $"$.{Area.Name}[{Index}]";
}

/// <summary>
/// A backup's document, read as a stream (docs/performance.md, "Import"): never held whole, but read from its file
/// again for each pass the import makes — validation, planning, applying — one record in memory at a time. The first
/// read (<see cref="DocumentReader"/>) checked it; every later read must find the very same bytes.
/// </summary>
public sealed class DocumentSource
{
    private readonly Func<byte[]?, DocumentStream> _open;
    private readonly DocumentLimits _limits;
    private readonly DocumentScan _scan;

    /// <param name="open">Opens the document for a pass, whose file must have the hash given.</param>
    /// <param name="limits">The limits it was checked within.</param>
    /// <param name="scan">What the first pass found.</param>
    internal DocumentSource(Func<byte[]?, DocumentStream> open, DocumentLimits limits, DocumentScan scan)
    {
        _open = open;
        _limits = limits;
        _scan = scan;
    }

    /// <summary>The document's size, decompressed and decrypted.</summary>
    public long Bytes => _scan.Bytes;

    /// <summary>How many records of <paramref name="area"/> the document holds, as its first read counted them.</summary>
    internal int RecordsIn(ConfigurationArea area) => _scan.RecordCounts.GetValueOrDefault(area.Name);

    /// <summary>The records of every area, counted by the first read.</summary>
    internal int RecordCount => _scan.RecordCounts.Values.Sum();

    /// <summary>How many times the document was read since it was opened and checked, whole or in part (each pass costs a decryption and a parse of it).</summary>
    internal int Passes { get; private set; }

    /// <summary>The schema version the document was written in, once validation read it.</summary>
    internal int? OriginalSchemaVersion { get; set; }

    /// <summary>The index of the document's records that validation made as it checked their ids, until a planner takes it.</summary>
    private BackupRecordIndex? _recordIndex;

    /// <summary>Kept by validation once the document is valid: the planner then needs no pass of its own to index the records.</summary>
    internal void KeepRecordIndex(BackupRecordIndex index) => _recordIndex = index;

    /// <summary>
    /// The index validation made, for the one planner that takes it (a planner marks what it plans in it); null when
    /// none is kept — the document was not validated here, or a planner took it already. A planner given such a
    /// document stops with an error: only a validated document is planned (docs/performance.md, "Import").
    /// </summary>
    internal BackupRecordIndex? TakeRecordIndex()
    {
        var index = _recordIndex;
        _recordIndex = null;
        return index;
    }

    /// <summary>
    /// Reads the document through once: every top-level item, records one at a time. Opens the file again: a
    /// file that changed since the first read is refused when the pass reaches its end.
    /// </summary>
    internal IEnumerable<DocumentItem> Items()
    {
        Passes++;
        using var stream = _open(_scan.Hash);
        var blocks = new JsonBlocks(stream, new JsonReaderOptions { MaxDepth = _limits.MaxDepth }, DocumentReader.MaxValueBytes(_limits));
        foreach (var item in new DocumentItems(blocks).Read())
        {
            yield return item;
        }
    }

    /// <summary>The metadata: the first item of an exported document, found by a pass of its own in any other.</summary>
    internal JsonObject? ReadMetadata()
    {
        foreach (var item in Items())
        {
            if (item is { Property: "metadata", Index: -1 })
            {
                return item.Value.ValueKind == JsonValueKind.Object ? JsonObject.Create(item.Value) : null;
            }

            if (_scan.MetadataFirst)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>Whether the metadata comes before the records (as an export writes it), so one pass can read both.</summary>
    internal bool MetadataFirst => _scan.MetadataFirst;

    /// <summary>
    /// Every record of the document, in the document's order, brought to the current schema version, as the document
    /// holds it: for a pass that reads a few fields of each, no tree is built.
    /// </summary>
    internal IEnumerable<(ConfigurationArea Area, JsonElement Json)> RecordElements()
    {
        var version = ValidatedVersion;
        foreach (var item in Items())
        {
            if (item.Index >= 0 && ConfigurationAreas.Named(item.Property) is { } area)
            {
                yield return (area, DocumentMigrations.MigrateRecord(area, item.Value, version));
            }
        }
    }

    private int ValidatedVersion => OriginalSchemaVersion ?? throw new InvalidOperationException("The document is read for its records once it was validated.");

    /// <summary>Every record of the document, in the document's order, brought to the current schema version.</summary>
    internal IEnumerable<BackupRecord> Records()
    {
        var version = ValidatedVersion;
        foreach (var item in Items())
        {
            if (item.Index >= 0 && ConfigurationAreas.Named(item.Property) is { } area)
            {
                yield return new BackupRecord(area, item.Index, DocumentMigrations.MigrateRecord(area, item.Value, version));
            }
        }
    }
}
