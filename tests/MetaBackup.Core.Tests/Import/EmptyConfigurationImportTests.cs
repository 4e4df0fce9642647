using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Into an empty configuration — a server being rebuilt — the records an import creates are inserted as they are
/// planned, rather than once the plan is whole (docs/recovery.md, "Applying: all or nothing"). What that must not
/// change: the configuration stored is the one the usual way stores, and a plan refused at its end, or not the plan
/// expected, leaves the configuration empty and no safety snapshot behind.
/// </summary>
public sealed class EmptyConfigurationImportTests : IDisposable
{
    /// <summary>More groups than the batches handed over to be inserted while planning goes on hold (256 each).</summary>
    private const int ManyGroups = 600;

    private readonly TestStore _source = new(TestKeys.A);
    private readonly TestStore _empty = new(TestKeys.B);
    private readonly TestStore _other = new(TestKeys.B);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _source.Dispose();
        _empty.Dispose();
        _other.Dispose();
        _files.Dispose();
    }

    private async Task<string> ExportAsync()
    {
        await using var session = await _source.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        await SampleConfiguration.AddBulkGroupsAsync(session, ManyGroups);
        return (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(IncludeSecrets: false, Compression: Format.BackupCompression.None), _files.Path)).Path!;
    }

    [Fact]
    public async Task An_empty_configuration_receives_what_an_import_onto_other_records_leaves()
    {
        var backup = await ExportAsync();
        await using var empty = await _empty.InitializeAndOpenAsync();
        await using var other = await _other.InitializeAndOpenAsync();
        await SampleConfiguration.AddBulkGroupsAsync(other, ManyGroups + 1);
        var indexes = _empty.Indexes();

        var intoEmpty = await new ConfigImporter(empty, _empty.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);
        var ontoOther = await new ConfigImporter(other, _other.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);

        // The other configuration's groups of the same names were matched by name (a pass of its own) and replaced, its
        // last one deleted: the plans differ, the configurations left do not.
        Assert.Equal(2, intoEmpty.Source.Document.Passes);
        Assert.Equal(4, ontoOther.Source.Document.Passes);
        Assert.Contains(ontoOther.Plan.Entries, e => e.Area == ConfigurationAreas.Groups.Name && e.Action == PlanAction.Delete);
        Assert.Equal(ManyGroups, intoEmpty.Plan.Entries.Count(e => e.Area == ConfigurationAreas.Groups.Name && e.Key.StartsWith("bulk-", StringComparison.Ordinal) && e.Action == PlanAction.Create));
        Assert.Equal(await ConfigurationText.OfAsync(other), await ConfigurationText.OfAsync(empty));
        // The indexes, dropped while the records went in (docs/database.md, "Loading in bulk"), are back as they were.
        Assert.Contains(indexes, index => index.Contains("UNIQUE", StringComparison.Ordinal));
        Assert.Equal(indexes, _empty.Indexes());
        Assert.Equal(_other.Indexes(), _empty.Indexes());
    }

    [Fact]
    public async Task A_plan_refused_at_its_end_leaves_the_configuration_empty_though_records_before_the_refusal_were_inserted()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(await ExportAsync()))!.AsObject();
        // The last group comes again at the end of its area, its name in spaces: the file holds no two equal names, but
        // the import would store one name twice. By then two batches of groups were handed over and inserted.
        var groups = document["groups"]!.AsArray();
        var twin = groups[^1]!.DeepClone().AsObject();
        (twin["id"], twin["name"]) = (Guid.NewGuid().ToString(), $" {twin["name"]!.GetValue<string>()} ");
        groups.Add(twin);
        var backup = _files.Combine("twin.json");
        await File.WriteAllTextAsync(backup, document.ToJsonString());
        await using var empty = await _empty.InitializeAndOpenAsync();
        var before = _empty.Dump();

        var refusal = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(empty, _empty.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null));

        Assert.StartsWith("Records of the backup would be one record once imported", refusal.Message);
        Assert.Equal(before, _empty.Dump());
        Assert.False(_empty.HasSafetySnapshots());
    }

    /// <summary>
    /// The server ends the import's connection as the records start going in (a restart, an administrator): the
    /// operator is told that, not that the rollback found its transaction gone — a broken connection had replaced the
    /// failure being reported. PostgreSQL only: SQLite has no server to lose.
    /// </summary>
    [Fact]
    public async Task A_connection_the_server_ends_halfway_is_the_failure_reported_and_the_configuration_stays_empty()
    {
        Assert.SkipUnless(TestDatabase.IsPostgres, "A connection ended by the database server: PostgreSQL's, tested when the tests run on it.");
        var backup = await ExportAsync();
        await using var empty = await _empty.InitializeAndOpenAsync();
        var before = _empty.Dump();

        var failure = await Record.ExceptionAsync(() => new ConfigImporter(empty, _empty.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null, step =>
        {
            if (step == "applying")
            {
                // Every other connection to the test's own database: the import's. Waits until it has ended.
                _empty.Execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            }
        }));

        Assert.IsAssignableFrom<System.Data.Common.DbException>(failure);
        Assert.Equal(before, _empty.Dump());
        Assert.False(_empty.HasSafetySnapshots());
    }

    [Fact]
    public async Task An_import_into_an_empty_configuration_that_is_not_the_plan_expected_changes_nothing()
    {
        var backup = await ExportAsync();
        await using var empty = await _empty.InitializeAndOpenAsync();
        var before = _empty.Dump();

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => new ConfigImporter(empty, _empty.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null, expectedPlan: "the digest of another plan"));

        Assert.Contains("changed since this import was planned", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(before, _empty.Dump());
        Assert.False(_empty.HasSafetySnapshots());
    }
}
