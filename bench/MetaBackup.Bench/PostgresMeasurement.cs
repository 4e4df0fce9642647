using System.Globalization;
using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using MetaBackup.Testing;

namespace MetaBackup.Bench;

/// <summary>
/// Issue 14's figures on PostgreSQL beside SQLite (docs/performance.md, "On PostgreSQL"): the backup the SQLite suite
/// exported is imported in full into a new PostgreSQL database, against <c>psql</c> loading a <c>pg_dump</c> of that
/// same configuration; the configuration is then exported from PostgreSQL against <c>pg_dump | gzip -6</c>. The
/// configuration the last timed import made is compared with the generated source, as on SQLite. One throwaway cluster
/// (the tests' <see cref="PostgresServer"/>, fsync off) on loopback serves every size.
/// </summary>
public sealed class PostgresMeasurement(PostgresServer cluster, WholeProcess cli) : IAsyncDisposable
{
    private int _databases;

    public static async Task<PostgresMeasurement> StartAsync(WholeProcess cli)
    {
        var cluster = new PostgresServer();
        await cluster.StartAsync();
        if (cluster.SkipReason is not null)
        {
            throw new InvalidOperationException(cluster.SkipReason);
        }

        // pg_dump and psql read it from their environment; it is the throwaway cluster's.
        Environment.SetEnvironmentVariable("PGPASSWORD", cluster.Password);
        return new PostgresMeasurement(cluster, cli);
    }

    public ValueTask DisposeAsync() => cluster.DisposeAsync();

    /// <summary>Export and import on PostgreSQL and their baselines, medians of <paramref name="runs"/> paired runs.</summary>
    /// <param name="generated">The generated configuration the backup was exported from, which each import must equal.</param>
    public async Task<PostgresFigures> MeasureAsync(int size, string generated, string backup, string keyFile, string root, int runs)
    {
        var source = Fresh(root);
        cli.Cli(source.Directory, source.Environment, "import", backup, "--mode", "full", "--key-file", keyFile);
        var dump = Path.Combine(root, "pg-dump.sql");
        WholeProcess.Shell($"'{cluster.Program("pg_dump")}' {Connection(source.Database)} --no-owner -f '{dump}'");

        Target? imported = null;
        var (import, load) = Suite.Paired(
            runs,
            () =>
            {
                imported = Fresh(root);
                return cli.Cli(imported.Directory, imported.Environment, "import", backup, "--mode", "full", "--key-file", keyFile);
            },
            () =>
            {
                var name = NewName();
                WholeProcess.Shell($"'{cluster.Program("psql")}' {Connection("postgres")} -q -c 'CREATE DATABASE {name}'");
                return WholeProcess.Shell($"'{cluster.Program("psql")}' {Connection(name)} -q -v ON_ERROR_STOP=1 -f '{dump}' > /dev/null");
            });

        var exported = Path.Combine(root, "pg-export.json.gz.enc");
        var (export, dumpGzip) = Suite.Paired(
            runs,
            () =>
            {
                File.Delete(exported);
                return cli.Cli(source.Directory, source.Environment, "export", "--include-secrets", "--profile", ConfigurationGenerator.ProfileName, "-o", exported);
            },
            () => WholeProcess.Shell($"'{cluster.Program("pg_dump")}' {Connection(source.Database)} --no-owner | gzip -6 > '{root}/pg-dump.sql.gz'"));

        Console.Error.WriteLine($"{size:N0}: comparing the configuration imported into PostgreSQL with the source …");
        var difference = await ConfigurationComparison.FirstDifferenceAsync(generated, imported!.Directory, imported.Environment);
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {size:N0} | {export.Seconds:F2} s | {dumpGzip.Seconds:F2} s | {export.Seconds / dumpGzip.Seconds:F1}× | {import.Seconds:F2} s | {load.Seconds:F2} s | {import.Seconds / load.Seconds:F1}× | {export.PeakRssMib:F0} MiB | {import.PeakRssMib:F0} MiB |");
        return new PostgresFigures(row, import.PeakRssMib, difference);
    }

    public const string Header = """
        | records | export | `pg_dump \| gzip -6` | ratio | import (full, new database) | `psql < pg_dump` | ratio | export peak RSS | import peak RSS |
        |---|---|---|---|---|---|---|---|---|
        """;

    /// <summary>A new data directory on a new PostgreSQL database, initialised (untimed), and the environment that points at it.</summary>
    private Target Fresh(string root)
    {
        var name = NewName();
        var environment = new Dictionary<string, string>
        {
            [DatabaseSetting.Variable] = $"Host=127.0.0.1;Port={cluster.Port};Database={name};Username={PostgresServer.User}",
            [PostgresConnectionSettings.PasswordVariable] = cluster.Password,
        };
        var directory = Path.Combine(root, name);
        cli.Cli(directory, environment, "init");
        return new Target(directory, name, environment);
    }

    private string NewName() => $"bench_{++_databases}";

    private string Connection(string database) => $"-h 127.0.0.1 -p {cluster.Port} -U {PostgresServer.User} -d {database}";

    private sealed record Target(string Directory, string Database, Dictionary<string, string> Environment);
}

/// <summary>One size's figures on PostgreSQL: its table row, the import's peak, and how the import differed from its source (null when equal).</summary>
public sealed record PostgresFigures(string Row, double ImportPeakRssMib, string? Difference);
