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
        if (string.IsNullOrWhiteSpace(setting))
        {
            return new SqliteDatabaseProvider(dataDirectory.DatabasePath);
        }

        if (setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteDatabaseProvider(setting["sqlite:".Length..]);
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
}
