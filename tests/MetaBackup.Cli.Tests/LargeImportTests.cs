using System.Text.Json;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// An import reads its backup as a stream (docs/performance.md, "Import"): a document larger than the memory its
/// process may use still imports. The CLI runs in a child process whose GC heap is capped by DOTNET_GCHeapHardLimit
/// below the size of the document; building the document as one tree, or keeping its records, would run out of memory.
/// The same backup then imports again onto what it stored, under the same cap: the planner reads the stored records a
/// batch at a time, where holding them all (as it did) ran out of memory. Not timed: it only has to succeed.
/// </summary>
[Collection(nameof(LargeImportTests))]
[CollectionDefinition(nameof(LargeImportTests), DisableParallelization = true)]
public sealed class LargeImportTests : IDisposable
{
    private const int Groups = 200_000;
    // Below the document (236 MiB) with a margin: at 160 MiB the heap ran out once while other test assemblies shared the cores.
    private const long HeapLimit = 192L * 1024 * 1024;

    private readonly CliRunner _cli = new();
    private readonly TempDirectory _files = new();

    [Fact]
    public async Task A_backup_larger_than_the_memory_the_process_may_use_imports_whole_and_again_onto_the_same_records()
    {
        await _cli.OkAsync("init");
        var path = Path.Combine(_files.Path, "large.json");
        WriteDocument(path);
        Assert.True(new FileInfo(path).Length > HeapLimit, $"the document ({new FileInfo(path).Length} bytes) must be larger than the heap allowed");
        _cli.Environment["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimit:X}";

        var result = await CliProcess.RunAsync(_cli, "import", path, "--mode", "full");

        Assert.True(result.ExitCode == 0, result.ToString()[..Math.Min(4000, result.ToString().Length)]);
        await AssertImportedAsync();

        var again = await CliProcess.RunAsync(_cli, "import", path, "--mode", "full");

        Assert.True(again.ExitCode == 0, again.ToString()[..Math.Min(4000, again.ToString().Length)]);
        await AssertImportedAsync();
    }

    private async Task AssertImportedAsync()
    {
        await using var session = await _cli.OpenStoreAsync();
        Assert.Equal(Groups, await session.Db.Groups.CountAsync());
        foreach (var i in new[] { 0, Groups / 2, Groups - 1 })
        {
            var group = await session.Db.Groups.SingleAsync(g => g.Name == $"group-{i:D6}");
            Assert.Equal(IdOf(i), group.Id);
            Assert.Equal(Description(i), group.Description);
            Assert.Equal(["config.export", "jobs.read"], group.Permissions);
            Assert.Equal(DateTimeOffset.Parse("2026-01-02T00:00:00Z"), group.UpdatedAt);
        }
    }

    /// <summary>A valid plain backup of <see cref="Groups"/> groups, each with a description of 1 KiB, written as a stream.</summary>
    private static void WriteDocument(string path)
    {
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file);
        json.WriteStartObject();
        json.WriteStartObject("metadata");
        json.WriteString("format", "metabackup-config");
        json.WriteNumber("schemaVersion", 1);
        json.WriteString("appVersion", "1.0.0");
        json.WriteString("exportedAt", "2026-12-01T00:00:00Z");
        json.WriteBoolean("includeSecrets", false);
        json.WriteString("source", "manual");
        json.WriteStartObject("counts");
        foreach (var area in Core.Configuration.ConfigurationAreas.All)
        {
            json.WriteNumber(area.Name, area == Core.Configuration.ConfigurationAreas.Groups ? Groups : 0);
        }

        json.WriteEndObject();
        json.WriteStartArray("warnings");
        json.WriteEndArray();
        json.WriteEndObject();
        foreach (var area in Core.Configuration.ConfigurationAreas.All)
        {
            json.WriteStartArray(area.Name);
            for (var i = 0; area == Core.Configuration.ConfigurationAreas.Groups && i < Groups; i++)
            {
                json.WriteStartObject();
                json.WriteString("id", IdOf(i));
                json.WriteString("createdAt", "2026-01-01T00:00:00Z");
                json.WriteString("updatedAt", "2026-01-02T00:00:00Z");
                json.WriteString("name", $"group-{i:D6}");
                json.WriteString("description", Description(i));
                json.WriteStartArray("permissions");
                json.WriteStringValue("config.export");
                json.WriteStringValue("jobs.read");
                json.WriteEndArray();
                json.WriteEndObject();
                if (i % 1000 == 0)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static string IdOf(int i) => $"00000000-0000-4000-8000-{i:D12}";

    private static string Description(int i) => $"group {i}: " + new string((char)('a' + (i % 26)), 1024);

    public void Dispose()
    {
        _cli.Dispose();
        _files.Dispose();
    }
}
