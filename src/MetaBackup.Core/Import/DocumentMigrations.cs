using System.Text.Json.Nodes;
using MetaBackup.Core.Export;

namespace MetaBackup.Core.Import;

/// <summary>One step of the migration chain: turns a document of <see cref="From"/> into one of <see cref="From"/> + 1.</summary>
public interface IDocumentMigration
{
    int From { get; }

    void Migrate(JsonObject document);
}

/// <summary>
/// Brings documents of older schema versions forward to <see cref="ExportDocument.SchemaVersion"/>,
/// one step at a time (PRODUCT §5: every older schema version stays importable). Version 1 is the first,
/// so the chain is empty today; each future version adds its step here, with a fixture document of the
/// version it reads in tests/MetaBackup.Core.Tests/Import/Fixtures/ and a test that imports it.
/// </summary>
public static class DocumentMigrations
{
    public static readonly IReadOnlyList<IDocumentMigration> Chain = [];

    public const int Oldest = 1;

    /// <summary>Migrates <paramref name="document"/> from <paramref name="version"/> to the current version, in place.</summary>
    public static void MigrateToCurrent(JsonObject document, int version)
    {
        for (var current = version; current < ExportDocument.SchemaVersion; current++)
        {
            var step = Chain.SingleOrDefault(m => m.From == current)
                ?? throw new InvalidOperationException($"No migration from schema version {current}.");
            step.Migrate(document);
            document["metadata"]!["schemaVersion"] = current + 1;
        }
    }
}
