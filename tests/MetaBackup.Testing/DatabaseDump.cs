using System.Text;
using Microsoft.Data.Sqlite;

namespace MetaBackup.Testing;

/// <summary>
/// The whole content of a SQLite database as text (every table, every row, sorted), read through a
/// read-only connection: two dumps are equal exactly when the configuration is the same.
/// </summary>
public static class DatabaseDump
{
    public static string Of(string databasePath)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
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
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
            }

            rows.Sort(StringComparer.Ordinal);
            rows.ForEach(r => dump.AppendLine(r));
        }

        return dump.ToString();
    }

    /// <summary>Runs one SQL statement against the database (for tests that damage it on purpose).</summary>
    public static int Execute(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>The bytes of the database file and of its journal / WAL files, if present.</summary>
    public static IReadOnlyDictionary<string, byte[]> Files(string databasePath) =>
        new[] { "", "-wal", "-journal", "-shm" }
            .Select(suffix => databasePath + suffix)
            .Where(File.Exists)
            .ToDictionary(path => path, File.ReadAllBytes);
}
