using MetaBackup.Core.Adapters;
using Npgsql;

namespace MetaBackup.Connections;

/// <summary>A postgres source: connect with its host, port, database, user, password and TLS mode, and ask the server its version.</summary>
public sealed class PostgresConnectionTester : IConnectionTester
{
    public AdapterKind Kind => AdapterKind.Database;

    public string Type => "postgres";

    public async Task<string> TestAsync(string adapterName, AdapterConfig config, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = config.Text("host"),
            Port = int.TryParse(config.Text("port"), out var port) ? port : 5432,
            Database = config.Text("database"),
            Username = config.Text("username"),
            Password = config.Secret("password")?.Reveal(),
            Timeout = 10,
            Pooling = false,
        };
        if (config.Text("sslMode") is { } sslMode)
        {
            builder.SslMode = Enum.Parse<SslMode>(sslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
        }

        var where = $"PostgreSQL at {builder.Host}:{builder.Port}/{builder.Database} as {builder.Username ?? "(no user)"}";
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version')", connection);
            return $"connected to {where}: PostgreSQL {await command.ExecuteScalarAsync(cancellationToken)}";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException or InvalidOperationException)
        {
            throw new ConnectionTestException(
                $"Could not connect to database adapter '{adapterName}' ({where}): {(e is PostgresException pg ? pg.MessageText : e.Message)}",
                "Check the adapter's host, port, database, user and password.",
                e);
        }
    }
}
