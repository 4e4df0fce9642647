using System.Data.Common;
using System.Globalization;
using System.Text;
using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MetaBackup.Testing;

/// <summary>
/// The whole content of a configuration database as text (every table, every row, sorted, then every index as the
/// database states it): two dumps are equal exactly when the configuration is the same, and so is what keeps it
/// consistent — an import into an empty configuration drops the indexes while it loads (docs/database.md, "Loading in
/// bulk"). The database is the one a test's environment names (<see cref="TestDatabase"/>):
/// PostgreSQL when it sets <c>METABACKUP_DATABASE</c>, else the SQLite file at the path given.
/// </summary>
public static class DatabaseDump
{
    public static string Of(IReadOnlyDictionary<string, string?> environment, string sqlitePath)
    {
        using var connection = Open(environment, sqlitePath, readOnly: true);
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = connection is SqliteConnection
                ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            dump.AppendLine($"## {table}");
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))}")));
            }

            rows.Sort(StringComparer.Ordinal);
            rows.ForEach(r => dump.AppendLine(r));
        }

        dump.AppendLine("## indexes");
        foreach (var index in Indexes(connection))
        {
            dump.AppendLine(index);
        }

        return dump.ToString();
    }

    /// <summary>Each index of the database as the statement that makes it (sorted); on SQLite those it keeps a statement of.</summary>
    public static IReadOnlyList<string> Indexes(IReadOnlyDictionary<string, string?> environment, string sqlitePath)
    {
        using var connection = Open(environment, sqlitePath, readOnly: true);
        return Indexes(connection);
    }

    private static List<string> Indexes(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = connection is SqliteConnection
            ? "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            : "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()";
        using var reader = command.ExecuteReader();
        var indexes = new List<string>();
        while (reader.Read())
        {
            indexes.Add(reader.GetString(0));
        }

        indexes.Sort(StringComparer.Ordinal);
        return indexes;
    }

    /// <summary>Whether the database exists at all (a command that found nothing to open must not have created it).</summary>
    public static bool Exists(IReadOnlyDictionary<string, string?> environment, string sqlitePath)
    {
        if (PostgresSetting(environment) is not { } setting)
        {
            return File.Exists(sqlitePath);
        }

        var target = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.Parse(setting, name => environment.GetValueOrDefault(name)).ConnectionString);
        var name = target.Database;
        target.Database = "postgres";
        using var connection = new NpgsqlConnection(target.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name!);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>Runs one SQL statement against the database (for tests that damage it on purpose); quote identifiers, as PostgreSQL folds bare ones.</summary>
    public static int Execute(IReadOnlyDictionary<string, string?> environment, string sqlitePath, string sql)
    {
        using var connection = Open(environment, sqlitePath, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>The journal a SQLite database file is in (<c>wal</c>, <c>delete</c> …), as a new connection that only reads finds it.</summary>
    public static string SqliteJournalMode(string sqlitePath)
    {
        using var connection = Open(new Dictionary<string, string?>(), sqlitePath, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Everything the database keeps, to prove a command left it exactly as it was: on SQLite the bytes of the database
    /// file and of its journal / WAL files; on PostgreSQL, which keeps no file of its own for us to read, the dump.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> Files(IReadOnlyDictionary<string, string?> environment, string sqlitePath) =>
        PostgresSetting(environment) is not null
            ? new Dictionary<string, byte[]> { ["database"] = Encoding.UTF8.GetBytes(Of(environment, sqlitePath)) }
            : new[] { "", "-wal", "-journal", "-shm" }
                .Select(suffix => sqlitePath + suffix)
                .Where(File.Exists)
                .ToDictionary(path => path, File.ReadAllBytes);

    private static string? PostgresSetting(IReadOnlyDictionary<string, string?> environment) =>
        environment.GetValueOrDefault(DatabaseSetting.Variable) is { } setting && PostgresConnectionSettings.IsPostgres(setting) ? setting : null;

    private static DbConnection Open(IReadOnlyDictionary<string, string?> environment, string sqlitePath, bool readOnly)
    {
        DbConnection connection = PostgresSetting(environment) is { } setting
            ? new NpgsqlConnection(PostgresConnectionSettings.Parse(setting, name => environment.GetValueOrDefault(name)).ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
