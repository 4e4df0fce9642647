using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Npgsql;

namespace MetaBackup.Data.Postgres;

/// <summary>
/// Where the PostgreSQL database is, from <c>METABACKUP_DATABASE</c> (docs/database.md): a URL
/// (<c>postgres://user@host:5432/metabackup?sslmode=require</c>) or Npgsql's keyword form
/// (<c>Host=…;Database=…;Username=…</c>). The password comes from <c>METABACKUP_DATABASE_PASSWORD_FILE</c> or
/// <c>METABACKUP_DATABASE_PASSWORD</c> when set, else from the setting itself or Npgsql's own PGPASSWORD / .pgpass —
/// never from a command line. Nothing here ever repeats the setting in a message: it may hold the password.
/// </summary>
public sealed class PostgresConnectionSettings
{
    public const string PasswordVariable = "METABACKUP_DATABASE_PASSWORD";
    public const string PasswordFileVariable = "METABACKUP_DATABASE_PASSWORD_FILE";

    private PostgresConnectionSettings(NpgsqlConnectionStringBuilder builder)
    {
        ConnectionString = builder.ConnectionString;
        Description = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
    }

    /// <summary>The connection string, password included: for Npgsql only.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the configuration lives, for messages; never the password.</summary>
    public string Description { get; }

    public static bool IsPostgres(string setting) =>
        setting.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || setting.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || setting.Contains("host=", StringComparison.OrdinalIgnoreCase);

    public static PostgresConnectionSettings Parse(string setting, Func<string, string?> environment)
    {
        var builder = setting.Contains("://", StringComparison.Ordinal) ? FromUrl(setting) : FromKeywords(setting);
        if (string.IsNullOrEmpty(builder.Database))
        {
            throw Invalid("it names no database");
        }

        if (environment(PasswordFileVariable) is { Length: > 0 } file)
        {
            builder.Password = ReadPasswordFile(file);
        }
        else if (environment(PasswordVariable) is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        return new PostgresConnectionSettings(builder);
    }

    private static NpgsqlConnectionStringBuilder FromKeywords(string setting)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(setting);
        }
        catch (ArgumentException)
        {
            // The exception's message may quote the setting, password and all.
            throw Invalid("it is not a connection string Npgsql can read");
        }
    }

    /// <summary>postgres://user[:password]@host[:port]/database[?keyword=value&amp;…], the form libpq and most hosts give.</summary>
    private static NpgsqlConnectionStringBuilder FromUrl(string setting)
    {
        if (!Uri.TryCreate(setting, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
        {
            throw Invalid("it is not a URL of the form postgres://user@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
        };
        var userInfo = url.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = pair.Split('=', 2) is [var n, var v] ? (n, v) : (pair, "");
            try
            {
                builder[Uri.UnescapeDataString(name)] = Uri.UnescapeDataString(value);
            }
            catch (ArgumentException)
            {
                throw Invalid($"its option '{Uri.UnescapeDataString(name)}' is not one Npgsql knows");
            }
        }

        return builder;
    }

    private static string ReadPasswordFile(string path)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(
                $"{PasswordFileVariable} names '{path}', which cannot be read: {e.Message}",
                "Point it at a file holding the database password (owner-only), or unset it.");
        }
    }

    private static InvalidInputException Invalid(string problem) => new(
        $"{DatabaseSetting.Variable} is set for PostgreSQL, but {problem}.",
        $"Set it to postgres://USER@HOST:PORT/DATABASE (the password in {PasswordFileVariable} or {PasswordVariable}), or unset it to use the SQLite file in the data directory.");
}
