using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// A PostgreSQL database that cannot be used is said so in words an operator acts on, with exit 1, never repeating the
/// setting or the password (docs/database.md, "Choosing the database"); the tests' cluster plays the server.
/// </summary>
public sealed class DatabaseSettingTests : IDisposable
{
    private const string WrongPassword = "wrong-password-of-the-test";
    private readonly CliRunner _cli = new();

    public DatabaseSettingTests() => _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task No_server_at_the_address_is_reported_as_an_unavailable_database_naming_host_and_port()
    {
        var port = Repository.FreePort();
        _cli.Environment[DatabaseSetting.Variable] = $"postgres://metabackup:{WrongPassword}@127.0.0.1:{port}/config";

        var result = await _cli.RunAsync("init");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"The configuration database (PostgreSQL database config on 127.0.0.1:{port}) is unavailable", result.Err, StringComparison.Ordinal);
        Assert.Contains(DatabaseSetting.Variable, result.Err, StringComparison.Ordinal);
        AssertSaysNothingItShouldNot(result);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_without_repeating_it()
    {
        var (setting, _) = TestDatabase.NewPostgresDatabase();
        _cli.Environment[DatabaseSetting.Variable] = setting;
        _cli.Environment[PostgresConnectionSettings.PasswordVariable] = WrongPassword;

        var result = await _cli.RunAsync("init");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused the role or its password", result.Err, StringComparison.Ordinal);
        AssertSaysNothingItShouldNot(result);
    }

    [Fact]
    public async Task A_setting_that_is_not_a_database_is_refused_without_being_repeated()
    {
        _cli.Environment[DatabaseSetting.Variable] = $"postgres://metabackup:{WrongPassword}@/";

        var result = await _cli.RunAsync("init");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(DatabaseSetting.Variable, result.Err, StringComparison.Ordinal);
        AssertSaysNothingItShouldNot(result);
        Assert.False(Directory.Exists(Path.Combine(_cli.DataDirectory, "logs")) && Directory.GetFiles(Path.Combine(_cli.DataDirectory, "logs")).Any(f => File.ReadAllText(f).Contains(WrongPassword, StringComparison.Ordinal)));
    }

    private static void AssertSaysNothingItShouldNot(CliResult result)
    {
        Assert.DoesNotContain(WrongPassword, result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", result.All, StringComparison.Ordinal);
    }
}
