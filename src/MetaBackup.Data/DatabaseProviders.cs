using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using MetaBackup.Data.Sqlite;

namespace MetaBackup.Data;

/// <summary>
/// Chooses the configuration database (docs/database.md): <c>METABACKUP_DATABASE</c> if set — <c>sqlite:PATH</c>, or
/// PostgreSQL as a URL or connection string —, else SQLite in the data directory.
/// </summary>
public static class DatabaseProviders
{
    public static IDatabaseProvider For(DataDirectory dataDirectory, Func<string, string?> environment)
    {
        var setting = environment(DatabaseSetting.Variable);
        if (IsSqlite(setting))
        {
            return new SqliteDatabaseProvider(string.IsNullOrWhiteSpace(setting) ? dataDirectory.DatabasePath : setting["sqlite:".Length..]);
        }

        if (PostgresConnectionSettings.IsPostgres(setting))
        {
            return new PostgresDatabaseProvider(PostgresConnectionSettings.Parse(setting, environment));
        }

        // Not repeated in the message: the setting may hold a password.
        throw new InvalidInputException(
            $"{DatabaseSetting.Variable} names a database this version cannot use.",
            $"Set it to sqlite:PATH or postgres://USER@HOST:PORT/DATABASE, or unset it to use the SQLite file in the data directory.");
    }

    /// <summary>
    /// Compiles EF Core's query pipeline ahead of a command's first query (<see cref="SqliteDatabaseProvider.WarmUpQueryPipeline"/>),
    /// when the configuration database is SQLite; for PostgreSQL it does nothing (not measured there).
    /// </summary>
    public static void WarmUpQueryPipeline(Func<string, string?> environment)
    {
        if (IsSqlite(environment(DatabaseSetting.Variable)))
        {
            SqliteDatabaseProvider.WarmUpQueryPipeline();
        }
    }

    private static bool IsSqlite([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? setting) =>
        string.IsNullOrWhiteSpace(setting) || setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase);
}
