using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Core.Persistence;
using MetaBackup.Testing;
using Microsoft.Data.Sqlite;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// An import into an empty configuration by a process that runs alone (the CLI) loads it through SQLite's rollback
/// journal, every page written once, and shares the database again through the write-ahead log once its transaction has
/// ended (docs/database.md, "Loading in bulk"). A server, another connection holding the database open, or stored
/// records keep the write-ahead log; a database an interrupted load left in the rollback journal is shared again by the
/// next open.
/// </summary>
public sealed class BulkLoadJournalTests : IDisposable
{
    private readonly TestStore _source = new(TestKeys.A);
    private readonly TestStore _target = new(TestKeys.B);
    private readonly TempDirectory _files = new();

    public BulkLoadJournalTests() => TestDatabase.RequireSqlite("The journal SQLite writes through");

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task An_import_into_an_empty_configuration_that_runs_alone_loads_through_the_rollback_journal_then_shares_the_database_again()
    {
        var backup = await ExportAsync();
        await using var target = await _target.InitializeAndOpenAsync();

        var (result, whileApplying) = await ImportAsync(target, runsAlone: true, backup);

        Assert.Equal("delete", whileApplying);
        Assert.Equal("wal", JournalMode());
        Assert.True(result.Applied);
        Assert.False(File.Exists(_target.DataDirectory.DatabasePath + "-journal"));
        await using var source = await _source.OpenAsync();
        Assert.Equal(await source.Db.CountRecordsAsync(CancellationToken.None), await target.Db.CountRecordsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_server_keeps_the_write_ahead_log_while_it_imports_into_an_empty_configuration()
    {
        var backup = await ExportAsync();
        await using var target = await _target.InitializeAndOpenAsync();

        var (_, whileApplying) = await ImportAsync(target, runsAlone: false, backup);

        Assert.Equal("wal", whileApplying);
    }

    [Fact]
    public async Task While_another_connection_has_the_database_open_the_import_keeps_the_write_ahead_log()
    {
        var backup = await ExportAsync();
        await using var target = await _target.InitializeAndOpenAsync();
        await using var other = new SqliteConnection($"Data Source={_target.DataDirectory.DatabasePath};Pooling=False");
        await other.OpenAsync();
        await using (var read = other.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM groups";
            Assert.Equal(0L, await read.ExecuteScalarAsync());
        }

        var (result, whileApplying) = await ImportAsync(target, runsAlone: true, backup);

        Assert.Equal("wal", whileApplying);
        Assert.True(result.Applied);
    }

    [Fact]
    public async Task An_import_onto_stored_records_keeps_the_write_ahead_log()
    {
        var backup = await ExportAsync();
        await using var target = await _target.InitializeAndOpenAsync();
        await SampleConfiguration.AddBulkGroupsAsync(target, 3);

        var (_, whileApplying) = await ImportAsync(target, runsAlone: true, backup);

        Assert.Equal("wal", whileApplying);
    }

    [Fact]
    public async Task A_database_an_interrupted_load_left_in_the_rollback_journal_is_shared_again_by_the_next_open()
    {
        await (await _target.InitializeAndOpenAsync()).DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={_target.DataDirectory.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=DELETE";
            Assert.Equal("delete", command.ExecuteScalar());
        }

        Assert.Equal("delete", JournalMode());
        await (await _target.OpenAsync()).DisposeAsync();

        Assert.Equal("wal", JournalMode());
    }

    private async Task<string> ExportAsync()
    {
        await using var session = await _source.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        await SampleConfiguration.AddBulkGroupsAsync(session, 300);
        return (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(IncludeSecrets: false, Compression: Format.BackupCompression.None), _files.Path)).Path!;
    }

    /// <summary>A full import, and the journal the import's own connection writes through as it begins to apply.</summary>
    private async Task<(ImportResult Result, string? WhileApplying)> ImportAsync(ConfigurationSession target, bool runsAlone, string backup)
    {
        string? whileApplying = null;
        var result = await new ConfigImporter(target, _target.DataDirectory) { RunsAlone = runsAlone }.ImportConfigAsync(
            backup,
            new ImportOptions(ImportMode.Full),
            null,
            step =>
            {
                if (step == "applying")
                {
                    whileApplying = RawCommand.RunAsync(target.Db, async command =>
                    {
                        command.CommandText = "PRAGMA synchronous";
                        // The journal synced before the file is written: FULL (2) in the rollback journal, set by the load.
                        var synchronous = (long)(await command.ExecuteScalarAsync())!;
                        command.CommandText = "PRAGMA journal_mode";
                        var journal = (string?)await command.ExecuteScalarAsync();
                        return journal == "delete" && synchronous != 2 ? $"{journal}, synchronous {synchronous}" : journal;
                    }, CancellationToken.None).GetAwaiter().GetResult();
                }
            });
        return (result, whileApplying);
    }

    private string JournalMode() => DatabaseDump.SqliteJournalMode(_target.DataDirectory.DatabasePath);
}
