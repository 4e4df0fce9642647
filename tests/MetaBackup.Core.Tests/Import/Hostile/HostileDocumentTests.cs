using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import.Hostile;

/// <summary>
/// Each class of malformed or hostile backup found by probing (issue 12): refused by validation with the JSON path —
/// never a crash, never an internal exception type, never a change — or, where the value is one a backup may hold,
/// imported. Each failed before the bounded reader (docs/recovery.md, "Limits").
/// </summary>
public sealed partial class HostileDocumentTests : IDisposable
{
    private readonly HostileImport _import = new();

    public void Dispose() => _import.Dispose();

    [Theory]
    [InlineData("1e400")]
    [InlineData("2147483648")]
    [InlineData("1.0")]
    [InlineData("18446744073709551616")]
    public async Task A_whole_number_out_of_range_or_written_as_a_fraction_is_refused_with_its_path(string literal)
    {
        var text = Retention().Replace(await _import.SampleDocumentAsync(), $"\"retention\":{literal}", 1);

        var verdict = await _import.ImportAsync(text);

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains(verdict.Problems, p => p.StartsWith("$.jobs[0].destinations[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("1e+20")]
    [InlineData("1.0")]
    public async Task A_stated_count_out_of_range_is_refused_or_warned_about_never_a_crash(string literal)
    {
        var text = GroupsCount().Replace(await _import.SampleDocumentAsync(), $"\"groups\":{literal}", 1);

        var verdict = await _import.ImportAsync(text);

        Assert.True(!verdict.Refused || verdict.Problems.Any(p => p.StartsWith("$.metadata.counts.groups", StringComparison.Ordinal)), verdict.Message);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("true")]
    public async Task A_secret_config_value_that_is_not_text_is_refused_with_its_path(string literal)
    {
        var document = HostileImport.Parse(await _import.SampleDocumentAsync());
        var adapters = document["adapters"]!.AsArray();
        var index = adapters.Select((a, i) => (a, i)).Single(x => x.a!["type"]!.GetValue<string>() == "webhook").i;
        adapters[index]!["config"]!["url"] = JsonNode.Parse(literal);

        var verdict = await _import.ImportAsync(document.ToJsonString());

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains(verdict.Problems, p => p.StartsWith($"$.adapters[{index}]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public async Task Invalid_utf8_in_a_string_is_refused_with_its_path(byte[] sequence)
    {
        var bytes = InsideFirstGroupName(await _import.SampleDocumentAsync(), sequence);

        var verdict = await _import.ImportAsync(bytes);

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains(verdict.Problems, p => p.StartsWith("$.groups[0].name", StringComparison.Ordinal) || p.StartsWith("$.groups", StringComparison.Ordinal));
    }

    /// <summary>
    /// The string limit counts characters, not bytes: a name of two-byte characters exactly at the limit passes the
    /// check, one past it is refused with its path — written plainly or escaped (the check reads the two differently,
    /// docs/performance.md, "Import").
    /// </summary>
    [Theory]
    [InlineData(4096, false, false)]
    [InlineData(4097, false, true)]
    [InlineData(4096, true, false)]
    [InlineData(4097, true, true)]
    public async Task A_string_is_measured_in_characters_against_the_limit_and_one_too_long_is_refused_with_its_path(int characters, bool escaped, bool refused)
    {
        var name = string.Concat(Enumerable.Repeat(escaped ? "\\u00e9" : "é", characters));
        var text = FirstGroupName().Replace(await _import.SampleDocumentAsync(), "\"name\":\"" + name + "\"", 1);

        var verdict = await _import.ImportAsync(text, new DocumentLimits(MaxStringLength: 4096));

        var tooLong = verdict.Problems.Where(p => p.Contains("longer than the 4096 allowed", StringComparison.Ordinal)).ToList();
        Assert.Equal(refused ? [$"$.groups[0].name: a string of {characters} characters, longer than the 4096 allowed"] : [], tooLong);
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_refused_with_its_path()
    {
        var text = FirstGroupName().Replace(await _import.SampleDocumentAsync(), "\"name\":\"$1\\ud800\"", 1);

        var verdict = await _import.ImportAsync(text);

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains(verdict.Problems, p => p.StartsWith("$.groups[0].name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("metadata")]
    [InlineData("group name")]
    [InlineData("adapter password")]
    [InlineData("schemaVersion")]
    public async Task A_duplicate_key_is_refused_and_read_neither_way(string where)
    {
        var text = await _import.SampleDocumentAsync();
        text = where switch
        {
            "metadata" => "{\"metadata\":{}," + text.TrimStart()[1..],
            "group name" => FirstGroupName().Replace(text, "\"name\":\"$1\",\"name\":\"twin\"", 1),
            "adapter password" => new Regex("\"config\":\\{").Replace(text, "\"config\":{\"password\":\"a\",\"password\":\"b\",", 1),
            _ => new Regex("\"schemaVersion\":1").Replace(text, "\"schemaVersion\":1,\"schemaVersion\":99", 1),
        };

        var verdict = await _import.ImportAsync(text);

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains("not a valid JSON document", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_or_plain_json_named_as_brotli_are_refused()
    {
        var random = new byte[4096];
        new Random(12).NextBytes(random);
        random[0] = 0x42;

        Assert.True((await _import.ImportAsync(random, ".json.br")).Refused);
        Assert.False((await _import.ImportAsync(Encoding.UTF8.GetBytes(await _import.SampleDocumentAsync()), ".json.br")).Refused);
    }

    [Fact]
    public async Task A_number_of_ten_million_digits_is_refused_with_its_path()
    {
        var text = Retention().Replace(await _import.SampleDocumentAsync(), $"\"retention\":{new string('9', 10_000_000)}", 1);

        var verdict = await _import.ImportAsync(text);

        Assert.True(verdict.Refused, verdict.Message);
        Assert.Contains(verdict.Problems, p => p.StartsWith("$.jobs[0].destinations[0].retention", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_as_soon_as_it_passes_the_size_limit()
    {
        // About 1 MB that inflates to 1 GiB of valid JSON (an array nested in an unknown property, so that no other
        // limit stops it first; the document is read as a stream, so garbage would be refused at its first byte); the
        // limit here is 64 MiB.
        var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write("{\"padding\":[["u8);
            var zeros = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0,", 512 * 1024)));
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(zeros);
            }

            gzip.Write("0]]}"u8);
        }

        Assert.InRange(bomb.Length, 100_000, 2_000_000);
        var limits = new DocumentLimits(MaxDocumentBytes: 64L * 1024 * 1024);

        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => _import.ImportRawAsync(bomb.ToArray(), ".json.gz", limits));

        Assert.Contains("larger than 64 MiB once decompressed", error.Message, StringComparison.Ordinal);
        Assert.Contains(DocumentLimits.MaxDocumentBytesVariable, error.Hint, StringComparison.Ordinal);
        // The reader's own accounting: it stopped within one read of the limit, not after inflating the gigabyte.
        Assert.InRange(long.Parse(error.Details["bytesRead"], System.Globalization.CultureInfo.InvariantCulture), limits.MaxDocumentBytes, limits.MaxDocumentBytes + (1024 * 1024));
    }

    [Fact]
    public async Task More_export_warnings_than_any_export_writes_are_refused_and_fewer_are_kept_up_to_the_limit()
    {
        var document = HostileImport.Parse(await _import.SampleDocumentAsync());
        var limits = new DocumentLimits(MaxExportWarnings: 20_000, WarningsKept: 100);
        document["metadata"]!["warnings"] = new JsonArray([.. Enumerable.Range(0, 20_001).Select(i => JsonValue.Create($"warning {i}"))]);

        var refused = await _import.ImportAsync(document.ToJsonString(), limits);
        Assert.True(refused.Refused);
        Assert.Contains(refused.Problems, p => p.StartsWith("$.metadata.warnings", StringComparison.Ordinal));

        document["metadata"]!["warnings"] = new JsonArray([.. Enumerable.Range(0, 5_000).Select(i => JsonValue.Create($"warning {i}"))]);
        var plan = await _import.PlanAsync(document.ToJsonString(), limits);
        Assert.Equal(100, plan.Warnings.Count(w => w.StartsWith("The export warned: warning", StringComparison.Ordinal)));
        Assert.Contains("The export warned 4900 more times (not shown).", plan.Warnings);
    }

    [Fact]
    public async Task More_records_than_the_limit_are_refused_naming_the_setting_that_raises_it()
    {
        var document = HostileImport.Parse(await _import.SampleDocumentAsync());
        var groups = document["groups"]!.AsArray();
        for (var i = 0; i < 200; i++)
        {
            var group = groups[0]!.DeepClone();
            group["id"] = $"extra-{i}";
            group["name"] = $"extra group {i}";
            groups.Add(group);
        }

        var verdict = await _import.ImportAsync(document.ToJsonString(), new DocumentLimits(MaxRecords: 100));

        Assert.True(verdict.Refused);
        Assert.Contains(DocumentLimits.MaxRecordsVariable, verdict.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nesting_deeper_than_a_backup_ever_does_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));
        var text = FirstGroupName().Replace(await _import.SampleDocumentAsync(), "\"name\":\"$1\",\"deep\":" + deep, 1);

        var verdict = await _import.ImportAsync(text);

        Assert.True(verdict.Refused);
    }

    [Fact]
    public async Task Two_new_records_whose_names_are_one_once_trimmed_are_refused_naming_both()
    {
        var document = HostileImport.Parse(await _import.SampleDocumentAsync());
        var groups = document["groups"]!.AsArray();
        var first = groups[0]!.AsObject();
        var (name, firstId) = (first["name"]!.GetValue<string>(), first["id"]!.GetValue<string>());
        var twin = first.DeepClone().AsObject();
        var twinId = Guid.NewGuid().ToString();
        (twin["id"], twin["name"]) = (twinId, $" {name} ");
        groups.Add(twin);

        // Planned, not validated, as the names differ in the file: the refusal names the records, not a JSON path.
        var refusal = await Assert.ThrowsAsync<ImportRefusedException>(() => _import.PlanAsync(document.ToJsonString()));

        Assert.Contains($"groups: after the import, {firstId} and {twinId} would share the name '{name}'", refusal.Problems);
        // Two records of the file, none stored: the refusal says so, rather than blame the database.
        Assert.StartsWith("Records of the backup would be one record once imported", refusal.Message);
        Assert.Contains("correct one of them in the file", refusal.Hint);
    }

    private static byte[] InsideFirstGroupName(string text, byte[] sequence)
    {
        var match = FirstGroupName().Match(text);
        var at = Encoding.UTF8.GetByteCount(text[..(match.Index + "\"name\":\"".Length)]);
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. bytes[..at], .. sequence, .. bytes[at..]];
    }

    [GeneratedRegex("\"retention\":[0-9]+")]
    private static partial Regex Retention();

    [GeneratedRegex("\"groups\":[0-9]+")]
    private static partial Regex GroupsCount();

    [GeneratedRegex("(?<=\"groups\":\\[\\{[^\\]]*?)\"name\":\"([^\"]*)\"")]
    private static partial Regex FirstGroupName();
}
