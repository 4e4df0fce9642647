using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Moving an installation from SQLite to PostgreSQL is an export with secrets and an import (docs/database.md, "Moving
/// from SQLite to PostgreSQL"): the documented commands, on a SQLite data directory and a PostgreSQL database on the
/// tests' cluster, whichever database the other tests run on.
/// </summary>
public sealed class DatabaseMoveTests : IDisposable
{
    private readonly CliRunner _sqlite = new();
    private readonly CliRunner _postgres = new();
    private readonly string _databasePassword;

    public DatabaseMoveTests()
    {
        _sqlite.Environment.Remove(DatabaseSetting.Variable);
        _sqlite.Environment.Remove(PostgresConnectionSettings.PasswordVariable);
        _sqlite.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        (var setting, _databasePassword) = TestDatabase.NewPostgresDatabase();
        _postgres.Environment[DatabaseSetting.Variable] = setting;
        _postgres.Environment.Remove(PostgresConnectionSettings.PasswordVariable);
        _postgres.Environment[PostgresConnectionSettings.PasswordFileVariable] = _postgres.WriteFile("db-password", _databasePassword + "\n");
        _postgres.Environment["ENCRYPTION_KEY"] = TestKeys.B;
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        _postgres.Dispose();
    }

    [Fact]
    public async Task A_rich_configuration_moved_from_sqlite_to_postgresql_by_export_and_import_equals_the_original_secrets_and_all()
    {
        await _sqlite.OkAsync("init");
        await using (var session = await _sqlite.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var kit = Path.Combine(_sqlite.WorkingDirectory, "move.kit");
        await _sqlite.OkAsync("profiles", "create", "--name", "move", "--recovery-kit", kit);
        var backup = Path.Combine(_sqlite.WorkingDirectory, "move.json.gz.enc");
        await _sqlite.OkAsync("export", "--profile", "move", "--include-secrets", "-o", backup);

        var init = await _postgres.OkAsync("init");
        await _postgres.OkAsync("import", backup, "--mode", "full", "--kit", kit);

        Assert.Contains("PostgreSQL database mb_", init.All, StringComparison.Ordinal);
        Assert.True(File.Exists(_sqlite.DatabasePath));
        Assert.False(File.Exists(_postgres.DatabasePath));
        string original;
        await using (var source = await _sqlite.OpenStoreAsync())
        {
            original = await ConfigurationText.OfAsync(source);
        }

        await using var moved = await _postgres.OpenStoreAsync();
        Assert.Equal(TestKeys.FingerprintOf(TestKeys.B), moved.SystemKey.Fingerprint);
        Assert.Equal(original, await ConfigurationText.OfAsync(moved));
        Assert.Contains("\"password\"", original, StringComparison.Ordinal);
        Assert.DoesNotContain(_postgres.History, r => r.All.Contains(_databasePassword, StringComparison.Ordinal));
    }
}
