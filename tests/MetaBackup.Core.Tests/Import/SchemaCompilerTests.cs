using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Records are checked by the schema compiled into closures (<see cref="SchemaCompiler"/>), trusted to say yes: it must
/// never accept what the library refuses — and, to be worth having, refuse only what the library refuses.
/// </summary>
public sealed partial class SchemaCompilerTests : IDisposable
{
    /// <summary>
    /// Values chosen to sit on the schema's edges: types, integers written as decimals, lengths counted in text elements,
    /// patterns, formats. Numbers only as the first read of a document admits them (a decimal: 1e400 is refused before).
    /// </summary>
    private static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "12", "1.0", "1.5", "1e20", "-0.0", "2147483647", "2147483648", "\"\"", "\"x\"", "\"X\"",
        $"\"{new string('a', 64)}\"", $"\"{new string('a', 65)}\"", $"\"{new string('a', 200)}\"", $"\"{new string('a', 201)}\"", $"\"{new string('a', 300)}\"",
        $"\"{string.Concat(Enumerable.Repeat("e\\u0301", 200))}\"", "\"a\\r\\nb\"", "\" \"", "\"\\u0000\"",
        "\"2026-12-04T10:00:00Z\"", "\"2026-12-04T10:00:00.123+01:00\"", "\"2026-13-04T10:00:00Z\"", "\"2026-12-04\"",
        $"\"{new string('0', 32)}\"", $"\"{new string('f', 64)}\"", $"\"{new string('F', 64)}\"", "\"a.b-c_d\"", "\"-a\"",
        "\"manual\"", "\"sqlite\"", "\"storage\"", "\"admin\"", "[]", "[\"x\"]", "[\"x\",\"x\"]", "[null]", "[1]", "{}", "{\"a\":1}",
    ];

    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public void Every_area_has_its_record_schema_compiled()
    {
        Assert.All(ConfigurationAreas.All, area => Assert.True(DocumentSchema.IsCompiled(area.Name, ExportDocument.SchemaVersion), area.Name));
    }

    [Fact]
    public async Task Every_value_at_every_place_in_every_record_is_judged_as_the_library_judges_it()
    {
        var (judged, invalid) = await JudgeAsync(record => Variants(record).Select(variant => JsonSerializer.SerializeToElement(variant)));

        // Both answers came up many times: the comparison means something.
        Assert.True(invalid > 1_000 && judged - invalid > 1_000, $"{judged} records judged, {invalid} invalid");
    }

    /// <summary>
    /// Names as another writer may spell them — escaped (<c>"\u006eame"</c> is <c>"name"</c>), or beyond ASCII — are the
    /// same names to the compiled check as to the library: it reads plain names where they lie and the rest as strings.
    /// </summary>
    [Fact]
    public async Task Property_names_escaped_or_beyond_ASCII_are_judged_as_the_library_judges_them()
    {
        var (judged, invalid) = await JudgeAsync(record => NamesRespelled(record.ToJsonString()).Select(variant => JsonElement.Parse(variant)));

        Assert.True(invalid > 100 && judged - invalid > 5, $"{judged} records judged, {invalid} invalid");
    }

    /// <summary>
    /// Every record of the sample document, each turned into <paramref name="variantsOf"/>, judged by the library, by the
    /// compiled check (from the published schema as it is: its references compiled too) and by the validator: all three
    /// must agree. Returns how many were judged and how many of them the library refused.
    /// </summary>
    private async Task<(int Judged, int Invalid)> JudgeAsync(Func<JsonObject, IEnumerable<JsonElement>> variantsOf)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var document = await PublishedSchema.SampleDocumentAsync(session);
        var published = await PublishedSchema.LoadAsync();
        var (judged, invalid) = (0, 0);
        foreach (var (area, records) in document.Where(p => p.Key != "metadata"))
        {
            var itemSchema = PublishedSchema.RecordSchema(published, area);
            var library = JsonSchema.FromText(itemSchema.ToJsonString());
            var compiled = SchemaCompiler.Compile(itemSchema);
            foreach (var element in records!.AsArray().SelectMany(record => variantsOf(record!.AsObject())))
            {
                var expected = library.Evaluate(element, new EvaluationOptions { RequireFormatValidation = true }).IsValid;
                Assert.True(expected == compiled(element), $"{area}: {element.GetRawText()} is {(expected ? "valid" : "invalid")} for the library");
                Assert.Equal(expected, DocumentSchema.IsValidRecord(element, area, ExportDocument.SchemaVersion));
                judged++;
                invalid += expected ? 0 : 1;
            }
        }

        return (judged, invalid);
    }

    /// <summary>The record with every name's first letter escaped; then with each name in turn made one the schema does not have, escaped or not.</summary>
    private static IEnumerable<string> NamesRespelled(string record)
    {
        yield return FirstLetterOfEveryName().Replace(record, m => $"\"\\u{(int)m.Groups[1].Value[0]:x4}{m.Groups[2].Value}\":");
        foreach (Match name in FirstLetterOfEveryName().Matches(record))
        {
            var (before, rest, after) = (record[..name.Index], name.Groups[2].Value, record[(name.Index + name.Length)..]);
            yield return $"{before}\"\\u00e9{rest}\":{after}";
            yield return $"{before}\"é{rest}\":{after}";
            yield return $"{before}\"{name.Groups[1].Value}{rest}\\u0020\":{after}";
        }
    }

    [GeneratedRegex("\"([a-zA-Z])(\\w*)\":")]
    private static partial Regex FirstLetterOfEveryName();

    [Theory]
    [InlineData("""{ "not": { "type": "string" } }""")]
    [InlineData("""{ "$ref": "https://elsewhere.example/schema" }""")]
    [InlineData("""{ "$schema": "http://json-schema.org/draft-07/schema#", "type": "string" }""")]
    [InlineData("""{ "properties": { "a": { "$id": "https://elsewhere.example/a", "$ref": "#/$defs/b" } }, "$defs": { "b": true } }""")]
    public void A_schema_with_what_it_does_not_know_is_not_compiled(string schema)
    {
        Assert.Throws<NotSupportedException>(() => SchemaCompiler.Compile(JsonNode.Parse(schema)!.AsObject()));
    }

    [Fact]
    public void A_definition_that_refers_to_itself_is_compiled()
    {
        var check = SchemaCompiler.Compile(JsonNode.Parse("""
            {
              "$defs": { "node": { "type": "object", "additionalProperties": false, "properties": { "name": { "type": "string" }, "child": { "$ref": "#/$defs/node" } } } },
              "$ref": "#/$defs/node"
            }
            """)!.AsObject());

        Assert.True(check(JsonElement.Parse("""{ "name": "a", "child": { "name": "b", "child": {} } }""")));
        Assert.False(check(JsonElement.Parse("""{ "name": "a", "child": { "child": { "name": 1 } } }""")));
        Assert.False(check(JsonElement.Parse("""{ "child": { "extra": true } }""")));
    }

    /// <summary>
    /// The quick yes for timestamps (<see cref="PlainTimestamp"/>) holds only where the library's <c>date-time</c> check
    /// says yes: each part of a timestamp set in turn to values on and past its edges, and 20,000 timestamps with
    /// such parts at random places; and it does say yes to what an export writes.
    /// </summary>
    [Fact]
    public void The_quick_timestamp_check_accepts_only_what_the_library_accepts()
    {
        string[][] parts =
        [
            ["2026", "0000", "0001", "1999", "2000", "2024", "2100", "9999", "202", "20a6", "+2026"],
            ["-"], ["12", "00", "01", "02", "13", "1", "1a"],
            ["-"], ["04", "00", "01", "28", "29", "30", "31", "32", "4"],
            ["T", "t", "_", " ", "x", "TT"],
            ["10", "00", "23", "24", "1", "٣٣"], [":"], ["00", "59", "60", "5"], [":"], ["00", "59", "60", "61", "5"],
            ["", ".", ".1", ".123", ".1234567890123", ".1a", ".-1", "..1"],
            ["Z", "z", "+00:00", "-00:00", "+01:00", "-23:59", "+24:00", "+05:60", "+5:00", "+0500", "", "Z\\n", "ZZ", "\\u005A"],
        ];
        string[] ordinary = ["2026", "-", "12", "-", "04", "T", "10", ":", "00", ":", "00", ".123", "+01:00"];
        var candidates = new List<string>();
        for (var place = 0; place < parts.Length; place++)
        {
            foreach (var value in parts[place])
            {
                candidates.Add(string.Concat(ordinary.Select((part, i) => i == place ? value : part)));
            }
        }

        var random = new Random(2026_12_05);
        for (var i = 0; i < 20_000; i++)
        {
            // Each part changed at one place in three: enough timestamps stay valid for both answers to come up.
            candidates.Add(string.Concat(parts.Select((values, place) => random.Next(3) == 0 ? values[random.Next(values.Length)] : ordinary[place])));
        }

        candidates.Add(JsonSerializer.Serialize(DateTimeOffset.UtcNow).Trim('"'));
        candidates.Add(JsonSerializer.Serialize(DateTime.UtcNow).Trim('"'));
        var (quick, library) = (0, 0);
        foreach (var text in candidates)
        {
            var element = JsonElement.Parse($"\"{text}\"");
            var accepted = Accepts(element);
            library += accepted ? 1 : 0;
            if (PlainTimestamp.IsValid(element))
            {
                Assert.True(accepted, $"{text} is refused by the library");
                quick++;
            }
        }

        Assert.True(PlainTimestamp.IsValid(JsonSerializer.SerializeToElement(DateTimeOffset.UtcNow)));
        Assert.True(PlainTimestamp.IsValid(JsonSerializer.SerializeToElement(new DateTimeOffset(2026, 2, 28, 23, 59, 59, TimeSpan.FromHours(-5)))));
        Assert.True(quick > 1_000 && library - quick > 100 && candidates.Count - library > 1_000, $"{candidates.Count} judged, {library} accepted by the library, {quick} by the quick check");

        static bool Accepts(JsonElement element)
        {
            try
            {
                return Formats.DateTime.Validate(element, out _);
            }
            catch (ArgumentOutOfRangeException)
            {
                // The library's check throws on year 0000 (DateTime.DaysInMonth): a refusal all the same.
                return false;
            }
        }
    }

    /// <summary>The record; then, at every place in it (a property, nested or not, or an array's item), each value put there, or the place removed; and a property it does not have.</summary>
    private static IEnumerable<JsonNode> Variants(JsonObject record)
    {
        yield return record;
        foreach (var path in Places(record, []))
        {
            foreach (var value in Values)
            {
                yield return Replaced(record, path, JsonNode.Parse(value));
            }

            yield return Removed(record, path);
        }
    }

    private static IEnumerable<object[]> Places(JsonNode? node, object[] path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    yield return [.. path, name];
                    foreach (var inner in Places(child, [.. path, name]))
                    {
                        yield return inner;
                    }
                }

                yield return [.. path, "surprise"];
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return [.. path, i];
                    foreach (var inner in Places(array[i], [.. path, i]))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static JsonNode Replaced(JsonObject record, object[] path, JsonNode? value)
    {
        var copy = record.DeepClone();
        var parent = Walk(copy, path[..^1]);
        if (path[^1] is string name)
        {
            parent!.AsObject()[name] = value;
        }
        else
        {
            parent!.AsArray()[(int)path[^1]] = value;
        }

        return copy;
    }

    private static JsonNode Removed(JsonObject record, object[] path)
    {
        var copy = record.DeepClone();
        var parent = Walk(copy, path[..^1]);
        if (path[^1] is string name)
        {
            parent!.AsObject().Remove(name);
        }
        else
        {
            parent!.AsArray().RemoveAt((int)path[^1]);
        }

        return copy;
    }

    private static JsonNode? Walk(JsonNode? node, object[] path) =>
        path.Aggregate(node, (current, step) => step is string name ? current![name] : current![(int)step]);
}
