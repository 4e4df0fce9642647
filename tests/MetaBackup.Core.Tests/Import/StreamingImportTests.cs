using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// An import reads its backup as a stream, once per pass — checking, validating, planning, applying
/// (docs/performance.md, "Import"). What that must not change: a file that changes between passes is refused and
/// nothing changes; a document whose areas come in another order than an export writes imports exactly the same.
/// </summary>
public sealed class StreamingImportTests : IDisposable
{
    private readonly TestStore _a = new(TestKeys.A);
    private readonly TestStore _b = new(TestKeys.B);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _files.Dispose();
    }

    private async Task<string> SeedAndExportAsync(int moreGroups = 0, Format.BackupCompression compression = Format.BackupCompression.None)
    {
        await using var session = await _a.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        await SampleConfiguration.AddBulkGroupsAsync(session, moreGroups);
        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(IncludeSecrets: false, Compression: compression), _files.Path);
        return result.Path!;
    }

    /// <summary>
    /// The passes compare the hash of the file they read, not of the document it decompresses to: a compressed backup
    /// replaced by another compressed one — another document, or the same document with bytes after its end — is
    /// refused all the same.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_compressed_backup_replaced_between_the_passes_is_refused_and_nothing_changes(bool sameDocument)
    {
        var backup = await SeedAndExportAsync(compression: Format.BackupCompression.Gzip);
        var original = await File.ReadAllBytesAsync(backup);
        byte[] replacement;
        if (sameDocument)
        {
            // The same gzip member, then bytes after it: the document is unchanged, the file is not.
            replacement = [.. original, .. new byte[4096]];
        }
        else
        {
            JsonObject other;
            using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(original), System.IO.Compression.CompressionMode.Decompress))
            {
                other = JsonNode.Parse(gzip)!.AsObject();
            }

            other["groups"]!.AsArray()[0]!["name"] = "renamed while the import read the file";
            using var packed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(other.ToJsonString()));
            }

            replacement = packed.ToArray();
        }

        await using var b = await _b.InitializeAndOpenAsync();
        var before = _b.Dump();

        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(
            backup,
            new ImportOptions(ImportMode.Full),
            null,
            step =>
            {
                if (step == "validated")
                {
                    File.WriteAllBytes(backup, replacement);
                }
            }));

        Assert.Contains("changed while it was being imported", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _b.Dump());
        Assert.False(_b.HasSafetySnapshots());
    }

    [Fact]
    public async Task A_backup_file_replaced_between_the_passes_of_an_import_is_refused_and_nothing_changes()
    {
        var backup = await SeedAndExportAsync();
        var other = JsonNode.Parse(await File.ReadAllTextAsync(backup))!.AsObject();
        other["groups"]!.AsArray()[0]!["name"] = "renamed while the import read the file";
        await using var b = await _b.InitializeAndOpenAsync();
        var before = _b.Dump();

        // Validation has read the file whole; the planning pass reads it again and finds other bytes.
        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(
            backup,
            new ImportOptions(ImportMode.Full),
            null,
            step =>
            {
                if (step == "validated")
                {
                    File.WriteAllText(backup, other.ToJsonString());
                }
            }));

        Assert.Contains("changed while it was being imported", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _b.Dump());
        Assert.False(_b.HasSafetySnapshots());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_backup_file_changed_while_validation_reads_it_ahead_is_refused_and_nothing_changes(bool truncated)
    {
        // Enough records that validation reads several batches ahead of its checks, on another thread
        // (docs/performance.md, "Import"): what that thread meets must reach the import as the refusal it is.
        var backup = await SeedAndExportAsync(moreGroups: 3_000);
        var text = await File.ReadAllTextAsync(backup);
        var other = JsonNode.Parse(text)!.AsObject();
        other["groups"]!.AsArray()[2_000]!["name"] = "renamed while the import read the file";
        await using var b = await _b.InitializeAndOpenAsync();
        var before = _b.Dump();
        var steps = new List<string>();

        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(
            backup,
            new ImportOptions(ImportMode.Full),
            null,
            step =>
            {
                steps.Add(step);
                if (step.StartsWith("checking the document", StringComparison.Ordinal))
                {
                    File.WriteAllText(backup, truncated ? text[..(text.Length * 2 / 3)] : other.ToJsonString());
                }
            }));

        Assert.Contains("changed while it was being imported", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("validated", steps);
        Assert.Equal(before, _b.Dump());
        Assert.False(_b.HasSafetySnapshots());
    }

    [Fact]
    public async Task An_exported_backup_is_read_once_to_plan_it_and_once_to_apply_it()
    {
        var backup = await SeedAndExportAsync();
        await using var b = await _b.InitializeAndOpenAsync();
        await new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);
        b.Db.Settings.RemoveRange(b.Db.Settings);
        await b.Db.SaveChangesAsync();
        var result = await new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);

        // Onto records the backup's ids name (none of another id, which a pass would match by natural key): after the
        // check, validation (which also indexes the ids), planning, applying. The settings, which an export writes first
        // and the import plans last, wait for the end of the planning pass, not for a pass of their own.
        Assert.True(result.Applied);
        Assert.Contains(result.Plan.Entries, e => e.Area == ConfigurationAreas.Settings.Name && e.Action == PlanAction.Create);
        Assert.Equal(3, result.Source.Document.Passes);
    }

    [Fact]
    public async Task Into_an_empty_configuration_an_exported_backup_is_planned_and_applied_in_one_reading()
    {
        var backup = await SeedAndExportAsync();
        await using var b = await _b.InitializeAndOpenAsync();
        var result = await new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);

        // After the check: validation (which also indexes the ids), and one pass that plans each record and inserts it.
        Assert.True(result.Applied);
        Assert.Equal(2, result.Source.Document.Passes);
    }

    [Theory]
    [InlineData(0)]
    // More records come too early than a pass holds for its end: another pass reads them.
    [InlineData(1_100)]
    public async Task A_document_with_its_areas_in_reverse_order_and_the_metadata_last_imports_as_the_export_does(int moreGroups)
    {
        var backup = await SeedAndExportAsync(moreGroups);
        var document = JsonNode.Parse(await File.ReadAllTextAsync(backup))!.AsObject();
        var reversed = new JsonObject();
        foreach (var area in ConfigurationAreas.All.Reverse())
        {
            reversed[area.Name] = document[area.Name]!.DeepClone();
        }

        reversed["metadata"] = document["metadata"]!.DeepClone();
        var reordered = _files.Combine("reordered.json");
        await File.WriteAllTextAsync(reordered, reversed.ToJsonString());

        using var c = new TestStore(TestKeys.B);
        await using var asExported = await c.InitializeAndOpenAsync();
        var inOrder = await new ConfigImporter(asExported, c.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);
        await using var b = await _b.InitializeAndOpenAsync();
        var result = await new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(reordered, new ImportOptions(ImportMode.Full), null);

        Assert.True(result.Applied);
        Assert.Equal(inOrder.Plan.Digest, result.Plan.Digest);
        Assert.Equal(await ConfigurationText.OfAsync(asExported), await ConfigurationText.OfAsync(b));
        Assert.Equal(moreGroups, result.Plan.Entries.Count(e => e.Area == ConfigurationAreas.Groups.Name && e.Key.StartsWith("bulk-", StringComparison.Ordinal)));
    }
}
