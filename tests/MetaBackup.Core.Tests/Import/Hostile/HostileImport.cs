using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import.Hostile;

/// <summary>What a hostile or damaged document met: a refusal (with the paths it named) or an import.</summary>
public sealed record Verdict(bool Refused, IReadOnlyList<string> Problems, string Message, string Hint = "");

/// <summary>
/// Feeds backup files to validation (a dry run) and to a merge import, in process, on a real SQLite store
/// (docs/recovery.md, "Limits"). The only acceptable outcomes are an import or a refusal that names where; after a
/// refusal the database is exactly as before. Anything else — another exception — fails the caller's test.
/// </summary>
public sealed class HostileImport : IDisposable
{
    private readonly TestStore _source = new(TestKeys.A);
    private readonly TestStore _target = new(TestKeys.B);
    private readonly TempDirectory _files = new();
    private bool _initialized;

    public string Directory => _files.Path;

    /// <summary>A valid, uncompressed backup of the sample configuration (every area), as compact text (one line, no spaces).</summary>
    public async Task<string> SampleDocumentAsync()
    {
        await using var session = await _source.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(Compression: Format.BackupCompression.None), _files.Path);
        return JsonNode.Parse(await File.ReadAllTextAsync(result.Path!))!.ToJsonString();
    }

    public static JsonObject Parse(string text) => JsonNode.Parse(text)!.AsObject();

    public Task<Verdict> ImportAsync(string text, DocumentLimits? limits = null) => ImportAsync(System.Text.Encoding.UTF8.GetBytes(text), ".json", limits);

    /// <summary>Validates, then imports (merge) the bytes as a file named with <paramref name="extension"/>.</summary>
    public async Task<Verdict> ImportAsync(byte[] bytes, string extension = ".json", DocumentLimits? limits = null)
    {
        var path = Path.Combine(_files.Path, $"{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            await using var session = _initialized ? await _target.OpenAsync() : await _target.InitializeAndOpenAsync();
            _initialized = true;
            var importer = new ConfigImporter(session, _target.DataDirectory, limits);
            var validated = await Outcome(() => importer.ImportConfigAsync(path, new ImportOptions(ImportMode.Merge, DryRun: true), null));
            var before = _target.Dump();
            var imported = await Outcome(() => importer.ImportConfigAsync(path, new ImportOptions(ImportMode.Merge), null));
            Assert.True(validated.Refused == imported.Refused, $"validation {(validated.Refused ? "refused" : "accepted")} what the import {(imported.Refused ? "refused" : "accepted")}: {validated.Message} / {imported.Message}");
            if (imported.Refused)
            {
                Assert.True(before == _target.Dump(), $"a refused import changed the configuration: {imported.Message}");
            }

            return imported;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Validates the bytes as a file named with <paramref name="extension"/>, letting any exception through.</summary>
    public async Task ImportRawAsync(byte[] bytes, string extension, DocumentLimits? limits = null)
    {
        var path = Path.Combine(_files.Path, $"{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(path, bytes);
        await using var session = _initialized ? await _target.OpenAsync() : await _target.InitializeAndOpenAsync();
        _initialized = true;
        await new ConfigImporter(session, _target.DataDirectory, limits).ImportConfigAsync(path, new ImportOptions(ImportMode.Merge, DryRun: true), null);
    }

    /// <summary>The plan a dry run of a valid document makes.</summary>
    public async Task<ImportPlan> PlanAsync(string text, DocumentLimits? limits = null)
    {
        var path = Path.Combine(_files.Path, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, text);
        await using var session = _initialized ? await _target.OpenAsync() : await _target.InitializeAndOpenAsync();
        _initialized = true;
        return (await new ConfigImporter(session, _target.DataDirectory, limits).ImportConfigAsync(path, new ImportOptions(ImportMode.Merge, DryRun: true), null)).Plan;
    }

    /// <summary>Runs an import; a refusal must name at least one JSON path and no internal exception type.</summary>
    private static async Task<Verdict> Outcome(Func<Task> import)
    {
        try
        {
            await import();
            return new Verdict(false, [], "");
        }
        catch (ImportRefusedException e)
        {
            Assert.True(e.Problems.Any(p => p.StartsWith('$')), $"a refusal without a JSON path: {e.Message} [{string.Join(" | ", e.Problems)}]");
            Assert.DoesNotMatch(@"\b\w+Exception\b", e.Message);
            return new Verdict(true, e.Problems, e.Message, e.Hint ?? "");
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        _files.Dispose();
    }
}
