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

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }
}
