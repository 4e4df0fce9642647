using System.Text;
using System.Text.Json;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// A pass that needs a record's id reads it among the record's tokens without parsing the record
/// (<see cref="DocumentItems"/> given fields to read, docs/performance.md, "Import"): it must find what parsing finds.
/// </summary>
public sealed class DocumentItemsTests
{
    [Fact]
    public void Fields_read_among_a_record_s_tokens_are_those_its_parsed_tree_gives()
    {
        var document = new StringBuilder("""{"metadata":{"schemaVersion":1,"id":"not a record"},"groups":[],"adapters":[""");
        var random = new Random(2026_12_05);
        for (var i = 0; i < 3_000; i++)
        {
            // Fields before and after the id, nested objects and arrays holding an "id" of their own, text with escapes,
            // records long enough that many of them straddle the reader's 64 KiB blocks.
            var padding = new string('x', random.Next(0, 400));
            var nested = random.Next(3) switch
            {
                0 => "\"config\":{\"id\":\"nested\",\"kind\":\"nested\",\"list\":[{\"id\":\"deeper\"}]},",
                1 => "\"tags\":[\"id\",\"kind\"],",
                _ => "",
            };
            var kind = random.Next(4) switch
            {
                0 => "",
                1 => "\"kind\":7,",
                2 => "\"kind\":null,",
                _ => $"\"kind\":\"s\\u0071lite{i}\",",
            };
            document.Append(i == 0 ? "" : ",").Append($"{{{nested}\"name\":\"n{padding}\",{kind}\"id\":\"id-{i}\\\"quoted\\\"\",\"after\":{{\"id\":\"x\"}}}}");
        }

        document.Append("""],"jobs":[{"id":"job-1"}],"extra":{"kind":"not a record"}}""");
        var bytes = Encoding.UTF8.GetBytes(document.ToString());

        var parsed = Read(bytes, null).Select(item => (item.Property, item.Index, Id: Text(item, "id"), Kind: Text(item, "kind"))).ToList();
        var read = Read(bytes, ["id", "kind"]).Select(item => item.Index >= 0
            ? (item.Property, item.Index, Id: item.Fields![0], Kind: item.Fields[1])
            : (item.Property, item.Index, Id: Text(item, "id"), Kind: Text(item, "kind"))).ToList();

        Assert.Equal(parsed, read);
        Assert.Equal(3_001, read.Count(r => r.Index >= 0));
        Assert.Contains(read, r => r.Kind is { } kind && kind.StartsWith("sqlite", StringComparison.Ordinal));
        Assert.Contains(read, r => r.Index >= 0 && r.Kind is null);
        Assert.Equal("id-42\"quoted\"", read.Single(r => r is { Property: "adapters", Index: 42 }).Id);
    }

    private static List<DocumentItem> Read(byte[] document, string[]? fields) =>
        [.. new DocumentItems(new JsonBlocks(new MemoryStream(document), new JsonReaderOptions { MaxDepth = 64 }, 1 << 20), fields).Read()];

    /// <summary>A field as a parsed record gives it: its text when it is a string, else null.</summary>
    private static string? Text(DocumentItem item, string field) =>
        item.Value.ValueKind == JsonValueKind.Object && item.Value.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
