using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;

namespace MetaBackup.Core.Import;

/// <summary>
/// One step of the migration chain: turns a document of <see cref="From"/> into one of <see cref="From"/> + 1. A
/// document is read as a stream (docs/performance.md, "Import"), so a step changes its metadata and each record on
/// its own, never the document as a whole.
/// </summary>
public interface IDocumentMigration
{
    int From { get; }

    void MigrateMetadata(JsonObject metadata);

    void MigrateRecord(ConfigurationArea area, JsonObject record);
}

/// <summary>
/// Brings documents of older schema versions forward to <see cref="ExportDocument.SchemaVersion"/>,
/// one step at a time (docs/schema/README.md: every older schema version stays importable). Version 1 is the first,
/// so the chain is empty today; each future version adds its step here, with a fixture document of the
/// version it reads in tests/MetaBackup.Core.Tests/Import/Fixtures/ and a test that imports it.
/// </summary>
public static class DocumentMigrations
{
    public static readonly IReadOnlyList<IDocumentMigration> Chain = [];

    public const int Oldest = 1;

    /// <summary>Migrates the metadata of a document of <paramref name="version"/> to the current version, in place.</summary>
    public static void MigrateMetadata(JsonObject metadata, int version)
    {
        foreach (var step in Steps(version))
        {
            step.MigrateMetadata(metadata);
            metadata["schemaVersion"] = step.From + 1;
        }
    }

    /// <summary>Migrates one record of a document of <paramref name="version"/> to the current version, in place.</summary>
    public static void MigrateRecord(ConfigurationArea area, JsonObject record, int version)
    {
        foreach (var step in Steps(version))
        {
            step.MigrateRecord(area, record);
        }
    }

    /// <summary>One record of a document of <paramref name="version"/> at the current version: as it is, when it is of that version.</summary>
    public static JsonElement MigrateRecord(ConfigurationArea area, JsonElement record, int version)
    {
        if (version == ExportDocument.SchemaVersion || record.ValueKind != JsonValueKind.Object)
        {
            return record;
        }

        var json = JsonObject.Create(record)!;
        MigrateRecord(area, json, version);
        return JsonSerializer.SerializeToElement(json);
    }

    private static IEnumerable<IDocumentMigration> Steps(int version)
    {
        for (var current = version; current < ExportDocument.SchemaVersion; current++)
        {
            yield return Chain.SingleOrDefault(m => m.From == current)
                ?? throw new InvalidOperationException($"No migration from schema version {current}.");
        }
    }
}
