using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MetaBackup.Format;
using Xunit;

namespace MetaBackup.Testing;

/// <summary>Reads backup files back into their JSON document, and checks documents against the published JSON Schema.</summary>
public static class BackupDocument
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "schema", "config-backup.v1.schema.json")));

    /// <summary>The document's text: decrypted with <paramref name="key"/> when the file is encrypted, decompressed as its name says.</summary>
    public static string ReadText(string path, byte[]? key)
    {
        using var input = File.OpenRead(path);
        Stream body;
        if (key is not null)
        {
            var header = EncryptedBackup.ReadHeader(input);
            body = EncryptedBackup.OpenBody(input, header, key);
        }
        else
        {
            var compression = path.EndsWith(".gz", StringComparison.Ordinal) ? BackupCompression.Gzip
                : path.EndsWith(".br", StringComparison.Ordinal) ? BackupCompression.Brotli
                : BackupCompression.None;
            body = Compressions.Decompress(input, compression);
        }

        using (body)
        using (var reader = new StreamReader(body))
        {
            return reader.ReadToEnd();
        }
    }

    /// <summary>Parses a document and asserts that it is valid against the schema, naming every error's JSON path.</summary>
    public static JsonObject ParseValid(string text)
    {
        using var document = JsonDocument.Parse(text);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, "The document does not match its JSON Schema:\n" + string.Join("\n", errors));
        return JsonNode.Parse(text)!.AsObject();
    }
}
