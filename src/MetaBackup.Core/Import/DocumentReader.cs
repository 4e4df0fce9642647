using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>What the first pass over a document learnt: whether its metadata comes first, and what it was.</summary>
/// <param name="MetadataFirst">Whether <c>metadata</c> is the document's first property (as an export writes it).</param>
/// <param name="Hash">The SHA-256 of the backup file the document was read from, which every later pass must find again.</param>
/// <param name="Bytes">The document's size.</param>
/// <param name="RecordCounts">How many records each area holds, by area name: what the passes that follow size their indexes by.</param>
internal sealed record DocumentScan(bool MetadataFirst, byte[] Hash, long Bytes, IReadOnlyDictionary<string, int> RecordCounts);

/// <summary>
/// Checks a backup's JSON (decompressed, decrypted), read as a stream, within <see cref="DocumentLimits"/> (docs/recovery.md, "Limits"):
/// the bytes are counted as they arrive, so a compression bomb is refused once it passes the size limit, never after;
/// a duplicate property is refused (a document where <c>schemaVersion</c> appears twice is read neither way); then
/// every value is checked once — strings are well-formed UTF-16 and UTF-8 and not too long, numbers not absurdly long,
/// records not too many. Every refusal names the JSON path; nothing gets past here that would fail later in a way that
/// is not a refusal.
/// </summary>
public static class DocumentReader
{
    /// <summary>
    /// Reads the whole document once, a block at a time, and refuses it for the first problem found (each by its
    /// JSON path). Nothing of it is kept but what the passes that follow need to know.
    /// </summary>
    internal static DocumentScan Scan(DocumentStream json, DocumentLimits limits)
    {
        ScanState state;
        try
        {
            state = Scan(new JsonBlocks(json, new JsonReaderOptions { MaxDepth = limits.MaxDepth }, MaxValueBytes(limits)), limits);
        }
        catch (DocumentStream.DocumentTooLargeException)
        {
            throw new ImportRefusedException(
                $"The backup's document is larger than {Megabytes(limits.MaxDocumentBytes)} once decompressed, the most this server reads.",
                $"A real configuration that large: raise {DocumentLimits.MaxDocumentBytesVariable} (in MiB). Otherwise the file is not a backup (a compression bomb?).",
                [$"$: more than {limits.MaxDocumentBytes} bytes"],
                details: new Dictionary<string, string> { ["bytesRead"] = json.BytesRead.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        if (state.Records > limits.MaxRecords)
        {
            throw new ImportRefusedException(
                $"The backup holds more than {limits.MaxRecords} records, the most this server imports.",
                $"A real configuration that large: raise {DocumentLimits.MaxRecordsVariable}.",
                [$"$: more than {limits.MaxRecords} records"]);
        }

        if (state.Warnings > limits.MaxExportWarnings)
        {
            throw new ImportRefusedException(
                $"The backup carries more than {limits.MaxExportWarnings} export warnings, more than any export writes.",
                "The file is not a backup as MetaBackup writes them.",
                [$"$.metadata.warnings: more than {limits.MaxExportWarnings} entries"]);
        }

        if (state.Problems.Count > 0)
        {
            throw new ImportRefusedException(
                $"The backup is not a valid JSON document, or has values no backup holds: {string.Join("; ", state.Problems.Take(5))}{(state.Problems.Count > 5 ? $"; and {state.Problems.Count - 5} more" : "")}.",
                "It may be damaged, or not a MetaBackup configuration backup.",
                state.Problems);
        }

        if (!state.IsObject)
        {
            throw new ImportRefusedException("The backup's JSON is not an object, so it is not a MetaBackup configuration backup.", null, ["$: not an object"]);
        }

        return new DocumentScan(state.MetadataFirst, json.Hash!, json.BytesRead, state.RecordCounts);
    }

    /// <summary>The largest single value a reader's buffer grows to: the longest string, escaped, and then some.</summary>
    internal static int MaxValueBytes(DocumentLimits limits) => (int)Math.Min(int.MaxValue / 2, Math.Max(limits.MaxRecordBytes, (limits.MaxStringLength * 6L) + 65536));

    /// <summary>What one pass found.</summary>
    private sealed class ScanState
    {
        public List<string> Problems { get; } = [];

        public int Records { get; set; }

        /// <summary>Records by area (only the areas MetaBackup knows; the schema refuses any other).</summary>
        public Dictionary<string, int> RecordCounts { get; } = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => 0, StringComparer.Ordinal);

        public int Warnings { get; set; }

        public bool IsObject { get; set; }

        public bool MetadataFirst { get; set; }

        public long ValueStart { get; set; }
    }

    /// <summary>
    /// One pass of a forward-only reader over the bytes, keeping the JSON path: malformed JSON, nesting past the
    /// limit, a duplicate property, text that is not well-formed UTF-8 or UTF-16, a string or number past its limit,
    /// a record (or the metadata) past its size. Stops at the first malformation (nothing after it can be read) or
    /// after a hundred problems.
    /// </summary>
    private static ScanState Scan(JsonBlocks blocks, DocumentLimits limits)
    {
        var state = new ScanState();
        var path = new List<Step>();
        var problems = state.Problems;
        var topLevelNames = 0;
        var steps = new Steps();
        var names = new PropertyNames();
        try
        {
            while (true)
            {
                blocks.Fill();
                var reader = blocks.Reader();
                while (problems.Count < 100 && state.Records <= limits.MaxRecords && state.Warnings <= limits.MaxExportWarnings && reader.Read())
                {
                    // Counted as they pass, so that a document of too many records stops here, before any tree is built.
                    if (reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.PropertyName))
                    {
                        if (path.Count == 2 && !path[1].IsObject && path[0].Name != "metadata")
                        {
                            state.Records++;
                            if (state.RecordCounts.TryGetValue(path[0].Name!, out var inArea))
                            {
                                state.RecordCounts[path[0].Name!] = inArea + 1;
                            }
                        }
                        else if (path.Count == 3 && !path[2].IsObject && path[0].Name == "metadata" && path[1].Name == "warnings")
                        {
                            state.Warnings++;
                        }
                    }

                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                        case JsonTokenType.StartArray:
                            if (path.Count == 0)
                            {
                                state.IsObject = reader.TokenType == JsonTokenType.StartObject;
                            }
                            else if (IsRecordOrMetadata(path))
                            {
                                state.ValueStart = blocks.Position + reader.TokenStartIndex;
                            }

                            Advance(path);
                            path.Add(steps.Enter(path.Count, reader.TokenType == JsonTokenType.StartObject));
                            break;
                        case JsonTokenType.EndObject:
                        case JsonTokenType.EndArray:
                            path.RemoveAt(path.Count - 1);
                            if (path.Count > 0 && IsRecordOrMetadata(path) && blocks.Position + reader.BytesConsumed - state.ValueStart > limits.MaxRecordBytes)
                            {
                                problems.Add($"{PathOf(path)}: {blocks.Position + reader.BytesConsumed - state.ValueStart} bytes, more than the {limits.MaxRecordBytes} a record (or the metadata) may take");
                            }

                            break;
                        case JsonTokenType.PropertyName:
                            var name = names.Of(ref reader, path, problems, limits);
                            var current = path[^1];
                            if (name is not null && !current.Names.Add(name))
                            {
                                problems.Add($"{PathOf(path)}: the property '{name}' appears twice (a backup is read one way only)");
                            }

                            if (path.Count == 1 && topLevelNames++ == 0)
                            {
                                state.MetadataFirst = name == "metadata";
                            }

                            current.Name = name ?? "?";
                            break;
                        case JsonTokenType.String:
                            Advance(path);
                            CheckText(ref reader, path, problems, limits);
                            break;
                        case JsonTokenType.Number:
                            Advance(path);
                            if (reader.ValueSpan.Length > limits.MaxNumberLength)
                            {
                                problems.Add($"{PathOf(path)}: a number written with {reader.ValueSpan.Length} characters, more than the {limits.MaxNumberLength} allowed");
                            }
                            else if (!reader.TryGetDecimal(out _))
                            {
                                // 1e400 and the like: no value of a backup comes near, and no checker reads them.
                                problems.Add($"{PathOf(path)}: a number out of range");
                            }

                            break;
                        default:
                            Advance(path);
                            break;
                    }
                }

                blocks.Consumed(ref reader);
                if (problems.Count >= 100 || state.Records > limits.MaxRecords || state.Warnings > limits.MaxExportWarnings || blocks.Final)
                {
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            problems.Add($"{PathOf(path)}: {Describe(e)}");
        }
        catch (JsonBlocks.ValueTooLargeException e)
        {
            problems.Add($"{PathOf(path)}: a single value longer than the {e.Bytes} bytes allowed");
        }

        return state;
    }

    /// <summary>Whether the value whose container is <paramref name="path"/> is a record (in an area's array) or the metadata.</summary>
    private static bool IsRecordOrMetadata(List<Step> path) =>
        (path.Count == 1 && path[0].Name == "metadata") || (path.Count == 2 && !path[1].IsObject && path[0].Name != "metadata");

    /// <summary>A value in an array moves the array's index on.</summary>
    private static void Advance(List<Step> path)
    {
        if (path.Count > 0 && !path[^1].IsObject)
        {
            path[^1].Index++;
        }
    }

    /// <summary>
    /// A string value checked where it lies in the buffer — well-formed UTF-8, not too long — without making it a string:
    /// the check reads every value of the document, and a string made of each was most of its allocations. Escaped text
    /// (rare in a backup) is unescaped by <see cref="Text"/>, which also finds an escaped lone surrogate; unescaped UTF-8
    /// that is well-formed cannot hold one.
    /// </summary>
    private static void CheckText(ref Utf8JsonReader reader, List<Step> path, List<string> problems, DocumentLimits limits)
    {
        if (reader.ValueIsEscaped)
        {
            Text(ref reader, path, problems, limits);
            return;
        }

        var bytes = reader.ValueSpan;
        if (!Utf8.IsValid(bytes))
        {
            problems.Add($"{PathOf(path)}: {NotWellFormed}");
        }
        else if (bytes.Length > limits.MaxStringLength && Encoding.UTF8.GetCharCount(bytes) is var length && length > limits.MaxStringLength)
        {
            // A character takes at least a byte: only text longer in bytes than the limit can be too long.
            problems.Add(TooLong(path, length, limits));
        }
    }

    private const string NotWellFormed = "not well-formed text (invalid UTF-8, or an escaped lone surrogate)";

    private static string TooLong(List<Step> path, int length, DocumentLimits limits) =>
        $"{PathOf(path)}: a string of {length} characters, longer than the {limits.MaxStringLength} allowed";

    private static string? Text(ref Utf8JsonReader reader, List<Step> path, List<string> problems, DocumentLimits limits)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{PathOf(path)}: {NotWellFormed}");
            return null;
        }

        if (!IsWellFormed(text))
        {
            problems.Add($"{PathOf(path)}: not well-formed text (a lone surrogate)");
            return null;
        }

        if (text.Length > limits.MaxStringLength)
        {
            problems.Add(TooLong(path, text.Length, limits));
        }

        return text;
    }

    private static string PathOf(List<Step> path)
    {
        var text = new System.Text.StringBuilder("$");
        foreach (var step in path)
        {
            if (step.IsObject)
            {
                if (step.Name is not null)
                {
                    text.Append('.').Append(step.Name);
                }
            }
            else if (step.Index >= 0)
            {
                text.Append('[').Append(step.Index).Append(']');
            }
        }

        return text.ToString();
    }

    /// <summary>Where the reader is: in an object (the names seen, the current one) or an array (the current index).</summary>
    private sealed class Step
    {
        public bool IsObject { get; private set; }

        /// <summary>The names seen in the object so far.</summary>
        public HashSet<string> Names { get; private set; } = new(StringComparer.Ordinal);

        public string? Name { get; set; }

        public int Index { get; set; } = -1;

        /// <summary>Made the step of a new object or array, as if new.</summary>
        public Step Reset(bool isObject)
        {
            IsObject = isObject;
            Name = null;
            Index = -1;
            // Clearing costs as much as the set ever held: after a large object, a new set rather than a slow clear for every small one.
            if (Names.Count > 64)
            {
                Names = new HashSet<string>(StringComparer.Ordinal);
            }
            else
            {
                Names.Clear();
            }

            return this;
        }
    }

    /// <summary>
    /// One step per depth, reused by every object and array met at that depth: a backup is millions of small objects,
    /// and a step with its set of names made for each was a large part of the check's allocations.
    /// </summary>
    private sealed class Steps
    {
        private readonly List<Step> _byDepth = [];

        public Step Enter(int depth, bool isObject)
        {
            if (depth == _byDepth.Count)
            {
                _byDepth.Add(new Step());
            }

            return _byDepth[depth].Reset(isObject);
        }
    }

    /// <summary>
    /// Property names, made strings once: a backup repeats the same few dozen names in every record. A short,
    /// unescaped name is decoded on the stack and looked up among those already seen; any other is unescaped and
    /// checked by <see cref="Text"/> as before. At most <see cref="Kept"/> names are kept, whatever a document holds.
    /// </summary>
    private sealed class PropertyNames
    {
        private const int Short = 64;
        private const int Kept = 4096;
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public PropertyNames() => _lookup = _seen.GetAlternateLookup<ReadOnlySpan<char>>();

        public string? Of(ref Utf8JsonReader reader, List<Step> path, List<string> problems, DocumentLimits limits)
        {
            var bytes = reader.ValueSpan;
            if (reader.ValueIsEscaped || bytes.Length > Math.Min(Short, limits.MaxStringLength) || !Utf8.IsValid(bytes))
            {
                return Text(ref reader, path, problems, limits);
            }

            Span<char> chars = stackalloc char[Short];
            chars = chars[..Encoding.UTF8.GetChars(bytes, chars)];
            if (_lookup.TryGetValue(chars, out var known))
            {
                return known;
            }

            var name = new string(chars);
            if (_seen.Count < Kept)
            {
                _seen.Add(name);
            }

            return name;
        }
    }

    /// <summary>No unpaired surrogate: text that converts to UTF-8 and back as it is.</summary>
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The reader's message without its internal wording about line and byte positions, which the path says better.</summary>
    private static string Describe(JsonException e) => e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ') is { Length: > 0 } text ? text : "malformed JSON";

    private static string Megabytes(long bytes) => $"{bytes / (1024 * 1024)} MiB";
}
