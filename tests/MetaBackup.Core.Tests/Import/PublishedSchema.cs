using System.Text.Json.Nodes;
using MetaBackup.Core.Export;
using MetaBackup.Core.Persistence;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>What the tests that hold the validator to the published schema judge with: the schema as published, and a sample configuration's document.</summary>
internal static class PublishedSchema
{
    /// <summary>docs/schema/config-backup.v{N}.schema.json, as it is.</summary>
    public static async Task<JsonObject> LoadAsync() =>
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "schema", $"config-backup.v{ExportDocument.SchemaVersion}.schema.json")))!.AsObject();

    /// <summary>The published schema with <paramref name="area"/>'s item schema as its root, under an identifier of its own.</summary>
    public static JsonObject RecordSchema(JsonObject published, string area) => new()
    {
        ["$schema"] = published["$schema"]?.DeepClone(),
        ["$id"] = $"https://metabackup.test/published/{area}/{Guid.NewGuid():N}",
        ["$ref"] = published["properties"]![area]!["items"]!["$ref"]!.DeepClone(),
        ["$defs"] = published["$defs"]!.DeepClone(),
    };

    /// <summary>The sample configuration (<see cref="SampleConfiguration"/>) seeded into <paramref name="session"/>, exported uncompressed: its document.</summary>
    public static async Task<JsonObject> SampleDocumentAsync(ConfigurationSession session)
    {
        await SampleConfiguration.SeedAsync(session);
        using var output = new MemoryStream();
        await new ConfigExporter(session).ExportAsync(new ExportOptions(Compression: Format.BackupCompression.None), output);
        return JsonNode.Parse(output.ToArray())!.AsObject();
    }
}
