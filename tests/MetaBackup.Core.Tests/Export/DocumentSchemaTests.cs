using MetaBackup.Core.Export;
using MetaBackup.Testing;
using Xunit.Sdk;

namespace MetaBackup.Core.Tests.Export;

/// <summary>The published schema really constrains documents (so validating exports against it means something).</summary>
public sealed class DocumentSchemaTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Theory]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": \"1\"")]
    [InlineData("\"includeSecrets\": false", "\"includeSecrets\": \"no\"")]
    [InlineData("\"key\": \"system.timezone\"", "\"key\": \"system.timezone\", \"surprise\": 1")]
    [InlineData("\"retention\": 5", "\"retention\": 0")]
    [InlineData("\"kind\": \"database\"", "\"kind\": \"queue\"")]
    [InlineData("\"settings\": [", "\"unknownArea\": [], \"settings\": [")]
    public async Task A_document_that_breaks_the_schema_is_rejected_with_its_path(string valid, string broken)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        using var output = new MemoryStream();
        await new ConfigExporter(session).ExportAsync(new ExportOptions(Compression: Format.BackupCompression.None), output);
        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        BackupDocument.ParseValid(text);
        Assert.Contains(valid, text, StringComparison.Ordinal);

        var error = Assert.ThrowsAny<XunitException>(() => BackupDocument.ParseValid(ReplaceFirst(text, valid, broken)));

        Assert.Contains("does not match its JSON Schema", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 9.19: the errors listed failures of valid fields too — each branch an <c>anyOf</c> did not take
    /// ("$.encryptionProfiles[0].key: Value is "string" but should be "null""). Only what is wrong is named now.
    /// </summary>
    [Fact]
    public async Task Only_the_fields_that_break_the_schema_are_named_not_the_branches_a_valid_field_did_not_take()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        using var directory = new TempDirectory();
        var snapshot = await new ConfigExporter(session).ExportSnapshotAsync(directory.Path);
        var document = System.Text.Json.Nodes.JsonNode.Parse(BackupDocument.ReadText(snapshot, session.SystemKey.Key.Bytes.ToArray()))!.AsObject();
        Assert.NotEmpty(document["encryptionProfiles"]![0]!["key"]!.GetValue<string>());
        document["jobs"]![0]!["enabled"] = "yes";

        using var parsed = System.Text.Json.JsonDocument.Parse(document.ToJsonString());
        var errors = Core.Import.DocumentSchema.Validate(parsed.RootElement, ExportDocument.SchemaVersion);

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("$.jobs[0].enabled", e.Path));
    }

    /// <summary>
    /// Issue 9.17: the schema must mean the same in every mainstream validator. Python's jsonschema
    /// (draft 2020-12) checks the schema against its metaschema and agrees with JsonSchema.Net on a real
    /// export (secrets included), on counts with an unknown area or a negative number, and on an adapter
    /// secret given as null (not set).
    /// </summary>
    [Fact]
    public async Task An_independent_validator_reads_the_schema_as_this_one_does()
    {
        Assert.SkipUnless(Run("python3", "-c", "import jsonschema").Code == 0, "python3 with the 'jsonschema' package is not installed here.");
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        using var directory = new TempDirectory();
        var snapshot = await new ConfigExporter(session).ExportSnapshotAsync(directory.Path);
        var valid = System.Text.Json.Nodes.JsonNode.Parse(BackupDocument.ReadText(snapshot, session.SystemKey.Key.Bytes.ToArray()))!.AsObject();
        var nullSecret = valid.DeepClone().AsObject();
        nullSecret["adapters"]![0]!["config"]!["password"] = null;
        var unknownArea = valid.DeepClone().AsObject();
        unknownArea["metadata"]!["counts"]!["bogus"] = 1;
        var negative = valid.DeepClone().AsObject();
        negative["metadata"]!["counts"]!["settings"] = -1;
        var schema = Path.Combine(Repository.Root, "docs", "schema", $"config-backup.v{ExportDocument.SchemaVersion}.schema.json");

        foreach (var (document, expectValid) in new[] { (valid, true), (nullSecret, true), (unknownArea, false), (negative, false) })
        {
            var file = directory.Combine($"{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(file, document.ToJsonString());
            using var parsed = System.Text.Json.JsonDocument.Parse(document.ToJsonString());
            var (code, output) = Run("python3", "-c", PythonValidate, schema, file);

            Assert.Equal(expectValid, Core.Import.DocumentSchema.Validate(parsed.RootElement, ExportDocument.SchemaVersion).Count == 0);
            Assert.True(expectValid == (code == 0), output);
        }
    }

    private const string PythonValidate = """
        import json, sys
        from jsonschema import Draft202012Validator, FormatChecker
        schema = json.load(open(sys.argv[1]))
        Draft202012Validator.check_schema(schema)
        errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(json.load(open(sys.argv[2]))))
        for e in errors: print(e.json_path, e.message)
        sys.exit(1 if errors else 0)
        """;

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }
}
