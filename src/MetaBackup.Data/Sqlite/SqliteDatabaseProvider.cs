using MetaBackup.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Data.Sqlite;

/// <summary>The embedded default: one SQLite file in the data directory, migrated by this assembly's SQLite migrations.</summary>
public sealed class SqliteDatabaseProvider : IDatabaseProvider
{
    private readonly string _path;

    public SqliteDatabaseProvider(string path)
    {
        _path = Path.GetFullPath(path);
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            // Without pooling every connection is really closed, so the WAL is checkpointed when a command ends.
            Pooling = false,
        }.ToString();
        ContextOptions = new DbContextOptionsBuilder<ConfigurationDbContext>()
            .UseSqlite(connection, sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name))
            .Options;
    }

    public string Description => $"SQLite database {_path}";

    public DbContextOptions<ConfigurationDbContext> ContextOptions { get; }

    public bool DatabaseExists() => File.Exists(_path) && new FileInfo(_path).Length > 0;

    public async Task PrepareNewDatabaseAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        // Owner-only, like the key beside it; SQLite gives its -wal and -shm files the same mode.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // WAL lets the server and the CLI read while the other writes; the mode is stored in the file.
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
