using MetaBackup.Core.Adapters;
using Microsoft.Data.Sqlite;

namespace MetaBackup.Connections;

/// <summary>A sqlite source: open its file read-only (never creating it) and read its schema.</summary>
public sealed class SqliteConnectionTester : IConnectionTester
{
    public AdapterKind Kind => AdapterKind.Database;

    public string Type => "sqlite";

    public async Task<string> TestAsync(string adapterName, AdapterConfig config, CancellationToken cancellationToken)
    {
        var path = config.Text("path") ?? "";
        if (!File.Exists(path))
        {
            throw new ConnectionTestException($"Could not open database adapter '{adapterName}': SQLite file '{path}' does not exist.", "Check the adapter's path.");
        }

        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master";
            return $"opened SQLite database '{path}' read-only: {await command.ExecuteScalarAsync(cancellationToken)} schema objects";
        }
        catch (SqliteException e)
        {
            throw new ConnectionTestException($"Could not read database adapter '{adapterName}' (SQLite file '{path}'): {e.Message}", "Check that it is a SQLite database this user may read.", e);
        }
    }
}
