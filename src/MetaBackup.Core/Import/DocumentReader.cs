using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaBackup.Core.Import;

/// <summary>
/// Reads a backup's JSON (decompressed, decrypted) within <see cref="DocumentLimits"/> (docs/recovery.md, "Limits"):
/// the bytes are counted as they arrive, so a compression bomb is refused once it passes the size limit, never after;
/// a duplicate property is refused (a document where <c>schemaVersion</c> appears twice is read neither way); then
/// every value is checked once — strings are well-formed UTF-16 and UTF-8 and not too long, numbers not absurdly long,
/// records not too many. Every refusal names the JSON path; nothing gets past here that would fail later in a way that
/// is not a refusal.
/// </summary>
public static class DocumentReader
{
    public static async Task<JsonObject> ReadAsync(Stream json, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var counted = new CountingStream(json, limits.MaxDocumentBytes);
        var buffer = new MemoryStream();
        try
        {
            await counted.CopyToAsync(buffer, cancellationToken);
        }
        catch (DocumentTooLargeException)
        {
            throw new ImportRefusedException(
                $"The backup's document is larger than {Megabytes(limits.MaxDocumentBytes)} once decompressed, the most this server reads.",
                $"A real configuration that large: raise {DocumentLimits.MaxDocumentBytesVariable} (in MiB). Otherwise the file is not a backup (a compression bomb?).",
                [$"$: more than {limits.MaxDocumentBytes} bytes"],
                details: new Dictionary<string, string> { ["bytesRead"] = counted.BytesRead.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        catch (InvalidDataException e)
        {
            throw new ImportRefusedException($"The backup's compressed data is damaged: {e.Message}", "Use another copy of the backup.", [$"$: {e.Message}"], e);
        }

        var bytes = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var (problems, records, warnings) = Scan(bytes.Span, limits);
        if (records > limits.MaxRecords)
        {
            throw new ImportRefusedException(
                $"The backup holds more than {limits.MaxRecords} records, the most this server imports.",
                $"A real configuration that large: raise {DocumentLimits.MaxRecordsVariable}.",
                [$"$: more than {limits.MaxRecords} records"]);
        }

        if (warnings > limits.MaxExportWarnings)
        {
            throw new ImportRefusedException(
                $"The backup carries more than {limits.MaxExportWarnings} export warnings, more than any export writes.",
                "The file is not a backup as MetaBackup writes them.",
                [$"$.metadata.warnings: more than {limits.MaxExportWarnings} entries"]);
        }

        if (problems.Count > 0)
        {
            throw new ImportRefusedException(
                $"The backup is not a valid JSON document, or has values no backup holds: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}.",
                "It may be damaged, or not a MetaBackup configuration backup.",
                problems);
        }

        // Scanned: well-formed, bounded, no duplicates — building the tree cannot fail now.
        if (JsonNode.Parse(bytes.Span, documentOptions: new JsonDocumentOptions { MaxDepth = limits.MaxDepth }) is not JsonObject document)
        {
            throw new ImportRefusedException("The backup's JSON is not an object, so it is not a MetaBackup configuration backup.", null, ["$: not an object"]);
        }

        return document;
    }

    /// <summary>
    /// One pass of a forward-only reader over the bytes, keeping the JSON path: malformed JSON, nesting past the
    /// limit, a duplicate property, text that is not well-formed UTF-8 or UTF-16, a string or number past its limit.
    /// Stops at the first malformation (nothing after it can be read) or after a hundred problems.
    /// </summary>
    private static (List<string> Problems, int Records, int Warnings) Scan(ReadOnlySpan<byte> json, DocumentLimits limits)
    {
        var problems = new List<string>();
        var (records, warnings) = (0, 0);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        var path = new List<Step>();
        try
        {
            while (problems.Count < 100 && records <= limits.MaxRecords && warnings <= limits.MaxExportWarnings && reader.Read())
            {
                // Counted as they pass, so that a document of too many records stops here, before any tree is built.
                if (reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.PropertyName))
                {
                    if (path.Count == 2 && path[1].Names is null && path[0].Name != "metadata")
                    {
                        records++;
                    }
                    else if (path.Count == 3 && path[2].Names is null && path[0].Name == "metadata" && path[1].Name == "warnings")
                    {
                        warnings++;
                    }
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(reader.TokenType == JsonTokenType.StartObject ? Step.Object() : Step.Array());
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = Text(ref reader, path, problems, limits);
                        var current = path[^1];
                        if (name is not null && !current.Names!.Add(name))
                        {
                            problems.Add($"{PathOf(path)}: the property '{name}' appears twice (a backup is read one way only)");
                        }

                        current.Name = name ?? "?";
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        Text(ref reader, path, problems, limits);
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
        }
        catch (JsonException e)
        {
            problems.Add($"{PathOf(path)}: {Describe(e)}");
        }

        return (problems, records, warnings);
    }

    /// <summary>A value in an array moves the array's index on.</summary>
    private static void Advance(List<Step> path)
    {
        if (path.Count > 0 && path[^1].Names is null)
        {
            path[^1].Index++;
        }
    }

    private static string? Text(ref Utf8JsonReader reader, List<Step> path, List<string> problems, DocumentLimits limits)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{PathOf(path)}: not well-formed text (invalid UTF-8, or an escaped lone surrogate)");
            return null;
        }

        if (!IsWellFormed(text))
        {
            problems.Add($"{PathOf(path)}: not well-formed text (a lone surrogate)");
            return null;
        }

        if (text.Length > limits.MaxStringLength)
        {
            problems.Add($"{PathOf(path)}: a string of {text.Length} characters, longer than the {limits.MaxStringLength} allowed");
        }

        return text;
    }

    private static string PathOf(List<Step> path)
    {
        var text = new System.Text.StringBuilder("$");
        foreach (var step in path)
        {
            if (step.Names is not null)
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
        public HashSet<string>? Names { get; private init; }

        public string? Name { get; set; }

        public int Index { get; set; } = -1;

        public static Step Object() => new() { Names = new HashSet<string>(StringComparer.Ordinal) };

        public static Step Array() => new();
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

    /// <summary>The bytes of the document as they are read, refused past the limit; a decompressor's failure as damaged data.</summary>
    internal sealed class CountingStream(Stream inner, long limit) : Stream
    {
        /// <summary>How many bytes were read: the reader's own accounting, which the limit bounds.</summary>
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(Guarded(() => inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return Counted(await inner.ReadAsync(buffer, cancellationToken));
            }
            catch (InvalidOperationException e)
            {
                // BrotliStream's answer to data that is not brotli.
                throw new InvalidDataException(e.Message, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static int Guarded(Func<int> read)
        {
            try
            {
                return read();
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }

        private int Counted(int read)
        {
            BytesRead += read;
            if (BytesRead > limit)
            {
                throw new DocumentTooLargeException();
            }

            return read;
        }
    }

    private sealed class DocumentTooLargeException : Exception;
}
