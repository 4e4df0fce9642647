using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Format;
using Xunit;

namespace MetaBackup.Testing;

/// <summary>Reads backup files back into their JSON document, and checks documents against the published JSON Schema.</summary>
public static class BackupDocument
{
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
        var errors = DocumentSchema.Validate(document.RootElement, ExportDocument.SchemaVersion);
        Assert.True(errors.Count == 0, "The document does not match its JSON Schema:\n" + string.Join("\n", errors));
        return JsonNode.Parse(text)!.AsObject();
    }
}
