using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaBackup.Core.Tests.Import.Hostile;

/// <summary>
/// A seeded mutation fuzzer over a real backup document (docs/recovery.md, "Limits"): each case changes the sample
/// backup in one hostile way — a value replaced by another type or an extreme, a property removed or added, a record
/// duplicated, bytes flipped, inserted or cut, keys repeated, text made invalid — and feeds it to validation and to a
/// merge import. Every outcome must be an import or a refusal naming a JSON path, and a refusal must leave the
/// configuration as it was (<see cref="HostileImport"/> checks each). Repeatable: the seed is in the failure message.
/// <c>METABACKUP_FUZZ_CASES</c> runs more cases than the default.
/// </summary>
[Collection(nameof(DocumentFuzzingTests))]
public sealed class DocumentFuzzingTests : IDisposable
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("METABACKUP_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1_000;

    private static readonly string[] Replacements =
    [
        "null", "true", "false", "0", "-1", "1.0", "1e400", "-1e400", "2147483648", "-9223372036854775809", "18446744073709551616",
        "\"\"", "\"x\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"9999-99-99T99:99:99Z\"", "\"0000000000000000\"", "\"../../etc/passwd\"",
        "[]", "{}", new string('[', 40) + new string(']', 40), "{\"a\":{\"b\":{\"c\":null}}}",
        "\"" + new string('z', 2000) + "\"", "[1,2,3]", "[\"x\",null]", "{\"id\":\"x\"}",
    ];

    private const string Placeholder = "__fuzz__";

    private readonly HostileImport _import = new();

    public void Dispose() => _import.Dispose();

    [Fact]
    public async Task A_thousand_mutated_backups_are_each_imported_or_refused_with_a_path_and_a_refusal_changes_nothing()
    {
        var sample = await _import.SampleDocumentAsync();
        var refused = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            var (what, bytes) = Mutate(sample, seed);
            try
            {
                refused += (await _import.ImportAsync(bytes)).Refused ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Assert.Fail($"case {seed} ({what}) ended in {e.GetType().Name}: {e.Message}");
            }
        }

        // The mutations are hostile on purpose: most are refused; a few are harmless (a valid value in a valid place).
        Assert.InRange(refused, Cases / 2, Cases);
    }

    /// <summary>The sample changed in one way chosen by <paramref name="seed"/>; returns what was done, for the failure message.</summary>
    private static (string What, byte[] Bytes) Mutate(string sample, int seed)
    {
        var random = new Random(seed);
        var kind = seed % 8;
        if (kind < 4)
        {
            var document = HostileImport.Parse(sample);
            var nodes = Nodes(document).ToList();
            var (path, node) = nodes[random.Next(1, nodes.Count)];
            var parent = node!.Parent!;
            string what;
            var raw = Replacements[random.Next(Replacements.Length)];
            switch (kind)
            {
                case 0:
                case 1:
                    Replace(parent, node, JsonValue.Create(Placeholder));
                    what = $"{path} = {Shorten(raw)}";
                    break;
                case 2:
                    if (parent is JsonObject obj)
                    {
                        obj.Remove(obj.First(p => ReferenceEquals(p.Value, node)).Key);
                    }
                    else
                    {
                        ((JsonArray)parent).Remove(node);
                    }

                    what = $"{path} removed";
                    break;
                default:
                    if (parent is JsonArray array)
                    {
                        array.Add(node.DeepClone());
                        what = $"{path} duplicated";
                    }
                    else
                    {
                        ((JsonObject)parent)[$"unexpected{random.Next(100)}"] = JsonValue.Create(Placeholder);
                        what = $"a property added beside {path}";
                    }

                    break;
            }

            // Spliced in as text: some replacements (an escaped lone surrogate) are what no JSON writer would write.
            return (what, Encoding.UTF8.GetBytes(document.ToJsonString().Replace($"\"{Placeholder}\"", raw, StringComparison.Ordinal)));
        }

        var bytes = Encoding.UTF8.GetBytes(sample);
        var at = random.Next(bytes.Length);
        return kind switch
        {
            4 => ($"byte {at} flipped", Flip(bytes, at, (byte)(1 << random.Next(8)))),
            5 => ($"cut at {at}", bytes[..at]),
            6 => ($"invalid UTF-8 inserted at {at}", [.. bytes[..at], .. new[] { new byte[] { 0xFF }, [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82] }[random.Next(4)], .. bytes[at..]]),
            _ => RepeatKey(sample, random),
        };
    }

    private static (string, byte[]) RepeatKey(string sample, Random random)
    {
        var keys = System.Text.RegularExpressions.Regex.Matches(sample, "\"[A-Za-z]+\":(\"[^\"]*\"|[0-9a-z]+)");
        var match = keys[random.Next(keys.Count)];
        return ($"{match.Value} repeated", Encoding.UTF8.GetBytes(sample.Insert(match.Index, match.Value + ",")));
    }

    private static IEnumerable<(string Path, JsonNode? Node)> Nodes(JsonNode? node)
    {
        yield return (node?.GetPath() ?? "$", node);
        var children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            if (child is null)
            {
                continue;
            }

            foreach (var descendant in Nodes(child))
            {
                yield return descendant;
            }
        }
    }

    private static void Replace(JsonNode parent, JsonNode node, JsonNode? replacement)
    {
        if (parent is JsonObject obj)
        {
            obj[obj.First(p => ReferenceEquals(p.Value, node)).Key] = replacement;
        }
        else
        {
            var array = (JsonArray)parent;
            array[array.IndexOf(node)] = replacement;
        }
    }

    private static byte[] Flip(byte[] bytes, int at, byte mask)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= mask;
        return copy;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>The fuzzer keeps a core busy for its whole run: it runs alone, so that tests which watch two things happen at once are not starved.</summary>
[CollectionDefinition(nameof(DocumentFuzzingTests), DisableParallelization = true)]
public sealed class DocumentFuzzingCollection;
