using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Persistence.Queries;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using IDbContextTransaction = Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction;

namespace MetaBackup.Data.Sqlite;

/// <summary>The embedded default: one SQLite file in the data directory, migrated by this assembly's SQLite migrations.</summary>
public sealed class SqliteDatabaseProvider : IDatabaseProvider
{
    /// <summary>How long a command waits for another process's migration of the same database to finish.</summary>
    private static readonly TimeSpan MigrationWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The page size of a database this provider creates: 16 KiB rather than SQLite's 4 KiB default. A configuration
    /// is many small rows in many indexes, written mostly in bulk by an import; at a million records larger pages made
    /// SQLite's own load of them into tables whose indexes exist, in WAL mode, 15–20 % faster (docs/performance.md,
    /// "Import"). A database created before keeps the page size it has.
    /// </summary>
    public const int PageSize = 16384;

    private readonly string _path;

    public SqliteDatabaseProvider(string path)
    {
        _path = Path.GetFullPath(path);
        ContextOptions = OptionsFor(_path);
    }

    public string Description => $"SQLite database {_path}";

    public DbContextOptions<ConfigurationDbContext> ContextOptions { get; }

    /// <summary>Held (see <see cref="LockFile"/>) while this database is created or migrated.</summary>
    private string SchemaLockPath => _path + ".schema.lock";

    public bool DatabaseExists() => File.Exists(_path) && new FileInfo(_path).Length > 0;

    /// <summary>
    /// Builds the database under a temporary name beside its final one — migrated, in WAL mode, owner-only,
    /// populated — closes it (which checkpoints the WAL into the file) and only then renames it into place.
    /// A process killed before the rename leaves a temporary file that the next creation removes.
    /// </summary>
    public async Task CreateAsync(Func<ConfigurationDbContext, CancellationToken, Task> populate, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path)!;
        using var schemaLock = await LockSchemaAsync(cancellationToken);
        foreach (var stale in Directory.EnumerateFiles(directory, $"{Path.GetFileName(_path)}.init-*"))
        {
            File.Delete(stale);
        }

        var temporary = $"{_path}.init-{Guid.NewGuid():N}";
        try
        {
            // Owner-only from the first byte; SQLite gives its -wal and -shm files the same mode.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await new FileStream(temporary, create).DisposeAsync();
            await using (var db = new ConfigurationDbContext(OptionsFor(temporary)))
            {
                // The page size is fixed by the first table written, on this connection: it stays open until then.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync($"PRAGMA page_size={PageSize};", cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                // WAL lets the server and the CLI read while the other writes; the mode is stored in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await populate(db, cancellationToken);
            }

            File.Move(temporary, _path, overwrite: true);
            DirectorySync.Flush(directory);
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal" })
            {
                File.Delete(leftover);
            }
        }
    }

    /// <summary>
    /// EF Core's SQLite migration lock is a row in <c>__EFMigrationsLock</c>: a process killed while
    /// migrating leaves it, and every later migration waits for it forever. MetaBackup serialises
    /// migrations with an OS file lock instead, so whoever holds that lock knows any such row is stale.
    /// </summary>
    public async Task MigrateAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        using var schemaLock = await LockSchemaAsync(cancellationToken);
        if (!(await context.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            return; // another process migrated while this one waited
        }

        var lockTables = await context.Database
            .SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'")
            .ToListAsync(cancellationToken);
        if (lockTables.Count > 0)
        {
            await context.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\";", cancellationToken);
        }

        await context.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// A deferred transaction: in WAL mode its first read fixes the snapshot, and it takes no lock that
    /// would stop a writer. (EF Core's own transactions on SQLite begin IMMEDIATE, which takes the write lock.)
    /// </summary>
    public async Task<IDbContextTransaction> BeginReadSnapshotAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        var transaction = ((SqliteConnection)context.Database.GetDbConnection()).BeginTransaction(deferred: true);
        var used = await context.Database.UseTransactionAsync(transaction, cancellationToken);
        return new OwnedTransaction(context, used!, transaction);
    }

    /// <summary>BEGIN IMMEDIATE: the write lock from the first statement; another writer waits up to the busy timeout.</summary>
    public Task<IDbContextTransaction> BeginWriteAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        context.Database.BeginTransactionAsync(cancellationToken);

    /// <summary>This machine's clock: a SQLite file is only ever shared by processes on the machine it is on.</summary>
    public Task<IReadOnlyList<string>> AppliedMigrationsAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        MigrationHistory.ReadAsync(context, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{MigrationHistory.Table}'", cancellationToken);

    public Task<DateTimeOffset> NowAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        Task.FromResult(StoredTime.Of(DateTimeOffset.UtcNow));

    /// <summary>On the context's own SQLite handle, beneath Microsoft.Data.Sqlite (<see cref="SqlitePreparedInsert"/>).</summary>
    public IPreparedInsert PrepareInsert(ConfigurationDbContext context, InsertStatement statement) =>
        new SqlitePreparedInsert((SqliteConnection)context.Database.GetDbConnection(), statement.Sql);

    /// <summary>
    /// The indexes SQLite keeps the statement of (not those it makes for a primary key or a UNIQUE constraint, which
    /// cannot be dropped), read from its catalogue: what makes them again is the very statement that made them.
    /// </summary>
    public Task<IReadOnlyList<string>> DropIndexesForBulkLoadAsync(ConfigurationDbContext context, IReadOnlyCollection<string> tables, CancellationToken cancellationToken) =>
        RawCommand.RunAsync<IReadOnlyList<string>>(context, async command =>
        {
            command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each($tables)) ORDER BY name";
            command.Parameters.Add(new SqliteParameter("$tables", System.Text.Json.JsonSerializer.Serialize(tables)));
            var indexes = new List<(string Name, string Sql)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    indexes.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            command.Parameters.Clear();
            foreach (var (name, _) in indexes)
            {
                command.CommandText = $"DROP INDEX \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return indexes.ConvertAll(index => index.Sql);
        }, cancellationToken);

    /// <summary>A rollback journal for the load's transaction (<see cref="SqliteJournal"/>).</summary>
    public Task<IAsyncDisposable?> TakeAloneForBulkLoadAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        SqliteJournal.TakeAloneAsync(context, cancellationToken);

    public Task ShareAgainAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        SqliteJournal.ShareAgainAsync(context, cancellationToken);

    /// <summary>SQLITE_BUSY (5) and SQLITE_LOCKED (6): the busy timeout ran out while another connection held the lock.</summary>
    public bool IsBusy(System.Data.Common.DbException error) => error is SqliteException { SqliteErrorCode: 5 or 6 };

    private async Task<LockFile> LockSchemaAsync(CancellationToken cancellationToken) =>
        await LockFile.AcquireAsync(SchemaLockPath, MigrationWait, cancellationToken)
        ?? throw new Core.Configuration.ConflictException(
            $"Another MetaBackup process has been creating or upgrading {Description} for {MigrationWait.TotalMinutes:0} minutes.",
            "Let it finish (look for a running `metabackup`), then try again.");

    /// <summary>
    /// Compiles a command's first query — the stored key fingerprint's, which every command opening the store runs —
    /// and then the reads of whole areas, against an empty in-memory database, so that EF Core's query pipeline (its
    /// services, the translation, the SQL and the code that reads the rows, none of which ReadyToRun can compile ahead)
    /// is ready before the command needs it, and the queries themselves wait in EF Core's query cache, which contexts
    /// with the same options share. The CLI runs it on the other core while the command starts (docs/performance.md,
    /// "Start-up"); it touches no file. Each query is compiled, then fails to run: the empty database has no table.
    /// </summary>
    public static void WarmUpQueryPipeline()
    {
        using var db = new ConfigurationDbContext(OptionsFor(":memory:"));
        CompileByRunning(() => db.ReadKeyFingerprintAsync().GetAwaiter().GetResult());
        // Then the reads of whole areas, in the order of ids (an export, an import's safety snapshot) and not (an import's
        // plan), enumerated as Stream enumerates them: an export of 1,000 records 0.84 → 0.78 s (docs/performance.md, "Start-up").
        foreach (var area in ConfigurationAreas.All)
        {
            foreach (var byId in (bool[])[true, false])
            {
                CompileByRunning(() =>
                {
                    using var records = db.RecordsToRead(area, byId).AsEnumerable().GetEnumerator();
                    records.MoveNext();
                });
            }
        }
    }

    /// <summary>Runs a query against the database without tables: EF Core compiles it into its cache, then SQLite refuses it.</summary>
    private static void CompileByRunning(Action query)
    {
        try
        {
            query();
        }
        catch (SqliteException)
        {
        }
    }

    /// <summary>Synchronously: Microsoft.Data.Sqlite's async methods run synchronously anyway, and EF Core's synchronous enumeration costs less per row (reading a million records 7.1 → 6.5 s, docs/performance.md).</summary>
    public IAsyncEnumerable<T> Stream<T>(IQueryable<T> query) => query.AsEnumerable().ToAsyncEnumerable();

    private static DbContextOptions<ConfigurationDbContext> OptionsFor(string path)
    {
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            // Without pooling every connection is really closed, so the WAL is checkpointed when a command ends.
            Pooling = false,
        }.ToString();
        // The compiled model (Sqlite/CompiledModel, made by `dotnet ef dbcontext optimize`, docs/development.md) spares
        // every command the half second EF Core spends building the model; a test keeps it equal to the code's.
        return new DbContextOptionsBuilder<ConfigurationDbContext>()
            // A job's destinations and notifications read by a query of their own each, beside the jobs', rather than joined
            // to them (each job's row once per destination × notification): an export of 100,000 records 8 % faster
            // (docs/performance.md, "Export"). SQLite reads the three queries side by side on one connection, in one
            // read transaction, without holding any in memory; PostgreSQL keeps the single query, since without several
            // active readers EF Core would hold the jobs in memory.
            .UseSqlite(connection, sqlite => sqlite
                .MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name)
                .UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .UseModel(CompiledModel.ConfigurationDbContextModel.Instance)
            .CompilingNestedLambdasOnce()
            .Options;
    }
}
