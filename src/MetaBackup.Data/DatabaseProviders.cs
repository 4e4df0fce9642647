using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data.Sqlite;

namespace MetaBackup.Data;

/// <summary>Chooses the configuration database: <c>METABACKUP_DATABASE</c> if set, else SQLite in the data directory.</summary>
public static class DatabaseProviders
{
    public const string EnvironmentVariable = "METABACKUP_DATABASE";

    public static IDatabaseProvider For(DataDirectory dataDirectory, Func<string, string?> environment)
    {
        var setting = environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(setting))
        {
            return new SqliteDatabaseProvider(dataDirectory.DatabasePath);
        }

        if (setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteDatabaseProvider(setting["sqlite:".Length..]);
        }

        throw new InvalidInputException(
            $"{EnvironmentVariable} names a database this version cannot use (only 'sqlite:PATH' is supported).",
            $"Unset {EnvironmentVariable} to use the SQLite file in the data directory.");
    }
}
