using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using Xunit;

namespace MetaBackup.Testing;

/// <summary>
/// The database every store test runs on (docs/development.md, "Tests on both databases"): SQLite in the test's data
/// directory, or — with <c>METABACKUP_TEST_DATABASE=postgres</c> — a new database of its own on one PostgreSQL cluster
/// that this test process starts on loopback (<see cref="PostgresServer"/>) and stops when it exits. `.ci/run` runs the
/// store tests once on each.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "METABACKUP_TEST_DATABASE";

    private static readonly Lazy<PostgresServer> Cluster = new(StartCluster);

    public static bool IsPostgres { get; } = string.Equals(Environment.GetEnvironmentVariable(Variable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The database the tests run on, for skip reasons and messages.</summary>
    public static string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    /// <summary>Skips a test of the SQLite provider's own file handling when the tests run on PostgreSQL (it ran in the SQLite pass).</summary>
    public static void RequireSqlite(string what) => Assert.SkipWhen(IsPostgres, $"{what}: SQLite's own file handling, tested when the tests run on SQLite.");

    /// <summary>
    /// Points <paramref name="environment"/> at a new, empty configuration database: nothing to add for SQLite (the file in
    /// the data directory); on PostgreSQL a database name no other test uses — MetaBackup creates it at <c>init</c> — and
    /// the password in its own variable, as an operator would give it.
    /// </summary>
    public static void Provide(IDictionary<string, string?> environment)
    {
        if (IsPostgres)
        {
            var (setting, password) = NewPostgresDatabase();
            environment[DatabaseSetting.Variable] = setting;
            environment[PostgresConnectionSettings.PasswordVariable] = password;
        }
    }

    /// <summary>A setting for a new database on the shared cluster (whatever the tests run on), and its password.</summary>
    public static (string Setting, string Password) NewPostgresDatabase()
    {
        var cluster = Cluster.Value;
        return ($"Host=127.0.0.1;Port={cluster.Port};Database=mb_{Guid.NewGuid():N};Username={PostgresServer.User};Pooling=false", cluster.Password);
    }

    private static PostgresServer StartCluster()
    {
        var cluster = new PostgresServer();
        cluster.StartAsync().GetAwaiter().GetResult();
        if (cluster.SkipReason is not null)
        {
            throw new InvalidOperationException($"{Variable}=postgres, but {cluster.SkipReason}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}
