using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Cli.Output;

/// <summary>
/// Writes a command's result: JSON on stdout with --json, readable text otherwise. Messages for
/// people (warnings, hints, progress) go to stderr so that stdout stays parseable. Progress is left out
/// with --quiet, and with --json (a script reads the result, not the steps).
/// </summary>
public sealed class Printer(TextWriter stdout, TextWriter stderr, bool json, bool quiet = false)
{
    public bool Json { get; } = json;

    /// <summary>One object: JSON as is, or <c>field: value</c> lines.</summary>
    public void Object(JsonObject value)
    {
        if (Json)
        {
            stdout.WriteLine(value.ToJsonString(SecretMasking.Options));
            return;
        }

        foreach (var (name, text) in Flatten(value, ""))
        {
            stdout.WriteLine($"{name}: {text}");
        }
    }

    /// <summary>
    /// One object and, in JSON only, a list as its last property, written as the list is read: a plan of a million
    /// entries is never one JSON tree (docs/performance.md, "Import"). The same text as <see cref="Object(JsonObject)"/>
    /// would print with the list set as that property.
    /// </summary>
    public void Object(JsonObject value, string listName, IEnumerable<JsonNode?> list)
    {
        if (!Json)
        {
            Object(value);
            return;
        }

        const int FlushAt = 16 * 1024;
        var buffer = new ArrayBufferWriter<byte>();
        // Text goes out through one reused array: a string per flush would be garbage the size of the output.
        var chars = new char[Encoding.UTF8.GetMaxCharCount(2 * FlushAt)];
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SecretMasking.Options.Encoder, Indented = SecretMasking.Options.WriteIndented }))
        {
            void Flush()
            {
                writer.Flush();
                if (chars.Length < Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount))
                {
                    chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount)];
                }

                stdout.Write(chars, 0, Encoding.UTF8.GetChars(buffer.WrittenSpan, chars));
                buffer.ResetWrittenCount();
            }

            writer.WriteStartObject();
            foreach (var (name, node) in value)
            {
                writer.WritePropertyName(name);
                WriteNode(writer, node);
            }

            writer.WriteStartArray(listName);
            foreach (var item in list)
            {
                WriteNode(writer, item);
                // What the writer holds is pending until it is flushed: the buffer alone would not show it growing.
                if (writer.BytesPending + buffer.WrittenCount > FlushAt)
                {
                    Flush();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            Flush();
        }

        stdout.WriteLine();
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer, SecretMasking.Options);
        }
    }

    /// <summary>A list: a JSON array, or a table of the chosen columns.</summary>
    public void Table(IReadOnlyList<JsonObject> rows, params string[] columns) => Table(() => rows, columns);

    /// <summary>
    /// A table of rows made as they are printed: read once for the columns' widths and once to print, so that a plan of
    /// a million entries is never held as text (docs/performance.md, "Import").
    /// </summary>
    public void Table(Func<IEnumerable<JsonObject>> rows, params string[] columns)
    {
        if (Json)
        {
            stdout.WriteLine(new JsonArray(rows().Select(r => (JsonNode)r.DeepClone()).ToArray()).ToJsonString(SecretMasking.Options));
            return;
        }

        TextTable(rows, [.. columns.Select(c => new Column<JsonObject>(c, row => Text(Lookup(row, c))))]);
    }

    /// <summary>
    /// A table of text only (a command prints its JSON otherwise), each cell the text its column makes of a row, as it is:
    /// the rows need not be made JSON first — a plan of a million entries, each made a JSON object to be read back
    /// as text, was most of the time a CLI import spent printing it (docs/performance.md, "Import").
    /// </summary>
    public void TextTable<T>(Func<IEnumerable<T>> rows, params Column<T>[] columns)
    {
        var widths = columns.Select(c => c.Name.Length).ToArray();
        var count = 0;
        foreach (var row in rows())
        {
            count++;
            for (var i = 0; i < columns.Length; i++)
            {
                widths[i] = Math.Max(widths[i], columns[i].Cell(row).Length);
            }
        }

        if (count == 0)
        {
            stderr.WriteLine("(none)");
            return;
        }

        // Written a block of lines at a time: the console writes each line at once, a system call a line.
        var block = new StringBuilder();
        void AppendRow(Func<int, string> cell)
        {
            var start = block.Length;
            for (var i = 0; i < columns.Length; i++)
            {
                var text = cell(i);
                block.Append(text);
                if (i < columns.Length - 1)
                {
                    block.Append(' ', widths[i] - text.Length + 2);
                }
            }

            // No whitespace at the end of a line, whatever the last cells hold.
            var end = block.Length;
            while (end > start && char.IsWhiteSpace(block[end - 1]))
            {
                end--;
            }

            block.Length = end;
            block.AppendLine();
        }

        AppendRow(i => columns[i].Name.ToUpperInvariant());
        foreach (var row in rows())
        {
            AppendRow(i => columns[i].Cell(row));
            if (block.Length >= TableBlock)
            {
                stdout.Write(block);
                block.Clear();
            }
        }

        stdout.Write(block);
    }

    /// <summary>How many characters of a table are written at once.</summary>
    private const int TableBlock = 32 * 1024;

    /// <summary>A sentence for a person (stdout in text mode; nothing in JSON mode, where the object says it).</summary>
    public void Line(string text)
    {
        if (!Json)
        {
            stdout.WriteLine(text);
        }
    }

    /// <summary>A step of long work, on stderr as <c>COMMAND: STEP</c>, so that a person (or a test) sees where it is.</summary>
    public void Progress(string command, string step)
    {
        if (!Json && !quiet)
        {
            stderr.WriteLine($"{command}: {step}");
        }
    }

    /// <summary>A warning, always on stderr.</summary>
    public void Warning(string text) => stderr.WriteLine($"warning: {text}");

    /// <summary>An error, with what to do: Core's hint in words, then the CLI's in commands and options.</summary>
    public void Error(string text, string? hint, string? cliHint = null)
    {
        stderr.WriteLine($"error: {text}");
        foreach (var line in new[] { hint, cliHint }.OfType<string>())
        {
            stderr.WriteLine($"hint: {line}");
        }
    }

    private static JsonNode? Lookup(JsonObject row, string path)
    {
        if (!path.Contains('.'))
        {
            return row.TryGetPropertyValue(path, out var column) ? column : null;
        }

        JsonNode? node = row;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }

    private static IEnumerable<(string Name, string Text)> Flatten(JsonObject value, string prefix)
    {
        foreach (var (name, node) in value)
        {
            if (name == "secrets" && node is JsonObject secrets)
            {
                foreach (var (secret, isSet) in secrets)
                {
                    yield return ($"{prefix}{secret}", isSet?.GetValue<bool>() == true ? "(secret, set)" : "(secret, not set)");
                }
            }
            else if (node is JsonObject child)
            {
                foreach (var line in Flatten(child, $"{prefix}{name}."))
                {
                    yield return line;
                }
            }
            else
            {
                yield return ($"{prefix}{name}", Text(node));
            }
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "-",
        JsonArray array => string.Join(", ", array.Select(item => item is JsonObject o ? string.Join(" ", o.Select(p => $"{p.Key}={Text(p.Value)}")) : Text(item))),
        // A string held as one is read as it is; any other value that JSON writes as text (a time, an enum) is written to
        // JSON and read back as the text it becomes. Every cell of a plan of a million entries was made the second way.
        JsonValue value when value.TryGetValue<string>(out var text) => Readable(text),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Readable(JsonSerializer.Deserialize<string>(value.ToJsonString())!),
        _ => node.ToJsonString(),
    };

    /// <summary>
    /// Every time a person reads is shown one way, in UTC to the second: 2026-11-25 19:08:50Z (docs/cli.md,
    /// "Output"). JSON output keeps the full ISO 8601 value.
    /// </summary>
    private static string Readable(string text) =>
        text.Length >= 20 && text[4] == '-' && text[10] == 'T'
        && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : text;
}
