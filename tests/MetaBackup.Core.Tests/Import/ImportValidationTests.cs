using MetaBackup.Core.Configuration;
using System.Text.Json.Nodes;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>Pre-flight validation: every refusal names the problem, and nothing changes.</summary>
public sealed class ImportValidationTests : IDisposable
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

    private async Task<JsonObject> PlainDocumentAsync()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(Compression: Format.BackupCompression.None), _files.Path);
        return JsonNode.Parse(await File.ReadAllTextAsync(result.Path!))!.AsObject();
    }

    private async Task<ImportRefusedException> RefusedAsync(JsonObject document)
    {
        var path = _files.Combine($"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        await using var b = await _b.InitializeAndOpenAsync();
        await new Core.Groups.GroupsService(b).AddAsync("existing", null, []);
        var before = _b.Dump();

        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(path, new ImportOptions(ImportMode.Full), null));

        Assert.Equal(before, _b.Dump());
        Assert.False(Directory.Exists(_b.DataDirectory.SnapshotsDirectory));
        return error;
    }

    [Fact]
    public async Task A_newer_schema_version_is_refused_saying_so()
    {
        var document = await PlainDocumentAsync();
        document["metadata"]!["schemaVersion"] = 2;

        var error = await RefusedAsync(document);

        Assert.Contains("schema version 2, newer than this MetaBackup understands", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_errors_name_the_json_path()
    {
        var document = await PlainDocumentAsync();
        document["jobs"]![0]!["destinations"]![0]!["retention"] = 0;
        document["users"]![0]!["disabled"] = "no";

        var error = await RefusedAsync(document);

        Assert.Contains(error.Problems, p => p.StartsWith("$.jobs[0].destinations[0].retention", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("$.users[0].disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Duplicate_ids_and_natural_keys_inside_the_file_are_refused()
    {
        var document = await PlainDocumentAsync();
        var groups = document["groups"]!.AsArray();
        var twin = groups[0]!.DeepClone();
        twin["id"] = "another-id";
        groups.Add(twin);
        var settings = document["settings"]!.AsArray();
        var sameId = settings[0]!.DeepClone();
        sameId["key"] = "other.key";
        settings.Add(sameId);

        var error = await RefusedAsync(document);

        Assert.Contains(error.Problems, p => p.StartsWith("$.groups[1]: name 'operators'", StringComparison.Ordinal));
        // The ids are checked in the planner's index of the backup's records, which validation makes: the same message.
        Assert.Contains($"$.settings[1]: id '{sameId["id"]}' is also that of $.settings[0]", error.Problems);
    }

    [Fact]
    public async Task A_profile_key_that_does_not_match_its_fingerprint_is_refused()
    {
        var document = await PlainDocumentAsync();
        document["encryptionProfiles"]![0]!["key"] = TestKeys.C;

        var error = await RefusedAsync(document);

        Assert.Contains(error.Problems, p => p.StartsWith("$.encryptionProfiles[0].key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Something_that_is_not_a_configuration_backup_is_refused()
    {
        var error = await RefusedAsync(new JsonObject { ["hello"] = "world" });

        Assert.Contains("not a MetaBackup configuration backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clash_the_import_cannot_resolve_is_refused_in_merge_mode()
    {
        var document = await PlainDocumentAsync();
        await using var b = await _b.InitializeAndOpenAsync();
        // B has a profile named like the backup's, holding another key: matching by fingerprint fails and the names would collide.
        await new Core.Vault.VaultService(b).CreateAsync("offsite", null);
        var path = _files.Combine("merge.json");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        var before = _b.Dump();

        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(path, new ImportOptions(ImportMode.Merge), null));

        Assert.Contains("name 'offsite'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _b.Dump());
        await new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(path, new ImportOptions(ImportMode.Full), null);
    }

    [Fact]
    public async Task Validation_reports_natural_key_matches_and_changes_nothing()
    {
        var document = await PlainDocumentAsync();
        var path = _files.Combine("validate.json");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        await using var b = await _b.InitializeAndOpenAsync();
        await new Core.Groups.GroupsService(b).AddAsync("operators", null, []);
        var before = _b.Dump();

        var report = await new ConfigImporter(b, _b.DataDirectory).ValidateImportAsync(path, null);

        Assert.Equal(before, _b.Dump());
        Assert.Contains(report.Plan.Entries, e => e.Area == "groups" && e.Reason!.Contains("by name", StringComparison.Ordinal));
        Assert.False(report.Document.IncludeSecrets);
    }

    [Fact]
    public async Task A_missing_key_names_the_fingerprint_and_says_how_to_supply_it()
    {
        await using (var session = await _a.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(true, "offsite"), _files.Combine("secret.enc"));
        }

        await using var b = await _b.InitializeAndOpenAsync();
        var error = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ValidateImportAsync(_files.Combine("secret.enc"), null));
        var wrong = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(b, _b.DataDirectory).ValidateImportAsync(_files.Combine("secret.enc"), AesKey.FromHex(TestKeys.C, "test")));

        Assert.Matches("fingerprint [0-9a-f]{32}", error.Message);
        Assert.Equal(ErrorCode.BackupRefused, error.Code);
        Assert.Contains("Recovery Kit", error.Hint, StringComparison.Ordinal);
        Assert.True(error.Details.ContainsKey("needsKey"));
        Assert.Contains("does not open this backup", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_committed_fixture_of_every_schema_version_imports()
    {
        var fixtures = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Import", "Fixtures"), "schema-v*.json");
        Assert.Equal(Enumerable.Range(DocumentMigrations.Oldest, ExportDocument.SchemaVersion - DocumentMigrations.Oldest + 1).Select(v => $"schema-v{v}.json"), fixtures.Select(Path.GetFileName).Order());
        Assert.True(DocumentMigrations.Chain.Count == ExportDocument.SchemaVersion - DocumentMigrations.Oldest, "one migration step per schema version after the oldest");

        foreach (var fixture in fixtures)
        {
            using var store = new TestStore(TestKeys.C);
            await using var session = await store.InitializeAndOpenAsync();
            var result = await new ConfigImporter(session, store.DataDirectory).ImportConfigAsync(fixture, new ImportOptions(ImportMode.Full), null);

            Assert.True(result.Plan.Entries.Count(e => e.Action == PlanAction.Create) >= 9, fixture);
            Assert.DoesNotContain(result.Plan.Entries, e => e.Action == PlanAction.Skip);
        }
    }
}
