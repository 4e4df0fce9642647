using Microsoft.EntityFrameworkCore;
using IDbContextTransaction = Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// A database that can hold the configuration (SQLite now, PostgreSQL later). Implemented in
/// MetaBackup.Data, where the provider packages and each provider's migrations live.
/// </summary>
public interface IDatabaseProvider
{
    /// <summary>Where the configuration lives, for messages, e.g. "SQLite database /srv/mb/data/metabackup.db".</summary>
    string Description { get; }

    /// <summary>Whether the database exists at all; checked before anything could create it.</summary>
    bool DatabaseExists();

    DbContextOptions<ConfigurationDbContext> ContextOptions { get; }

    /// <summary>
    /// Creates the database, migrated to the current schema, and lets <paramref name="populate"/> write its
    /// first rows. The database appears complete or not at all: a process killed midway leaves nothing
    /// that a later call would trip over (docs/architecture.md, "Initialisation").
    /// </summary>
    Task CreateAsync(Func<ConfigurationDbContext, CancellationToken, Task> populate, CancellationToken cancellationToken);

    /// <summary>
    /// Applies pending migrations, one process at a time. A migration lock left by a process killed while
    /// migrating is cleared, never waited on forever.
    /// </summary>
    Task MigrateAsync(ConfigurationDbContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The migrations the database has applied, in order; none when it has no history table yet. Read without EF Core's
    /// history machinery, since every command's start asks (<see cref="MigrationHistory"/>).
    /// </summary>
    Task<IReadOnlyList<string>> AppliedMigrationsAsync(ConfigurationDbContext context, CancellationToken cancellationToken);

    /// <summary>
    /// A read-only transaction over one consistent snapshot of the database that does not hold up
    /// writers (an export reads every area inside one, docs/architecture.md, "Transactions").
    /// </summary>
    Task<IDbContextTransaction> BeginReadSnapshotAsync(ConfigurationDbContext context, CancellationToken cancellationToken);

    /// <summary>
    /// A transaction that keeps every other writer out from its start to its end, so what it reads is
    /// what it changes (an import plans and applies inside one). Waits a while for another writer to finish.
    /// </summary>
    Task<IDbContextTransaction> BeginWriteAsync(ConfigurationDbContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The time by the database's clock, which every instance on the database shares: run leases are judged by it, never
    /// by one instance's own clock (docs/database.md, "Several instances").
    /// </summary>
    Task<DateTimeOffset> NowAsync(ConfigurationDbContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of <paramref name="query"/>, one at a time, read the way this database reads fastest: Microsoft.Data.Sqlite
    /// does its I/O synchronously even in its async methods, and EF Core's synchronous enumeration costs less per row, so
    /// SQLite enumerates synchronously; Npgsql really waits on the network, so PostgreSQL enumerates asynchronously
    /// (docs/performance.md, "Export").
    /// </summary>
    IAsyncEnumerable<T> Stream<T>(IQueryable<T> query);

    /// <summary>
    /// <paramref name="statement"/> prepared beneath the ADO.NET provider on the context's open connection, for row after
    /// row inside its current transaction (<see cref="IPreparedInsert"/>): on SQLite its INSERT, stepped a row at a time;
    /// on PostgreSQL a binary COPY into its table, the rows sent together.
    /// </summary>
    IPreparedInsert PrepareInsert(ConfigurationDbContext context, InsertStatement statement);

    /// <summary>
    /// Drops the secondary indexes of <paramref name="tables"/>, inside the context's current transaction, before rows
    /// are loaded into them in bulk, and gives back the statements that make them again exactly as they were — to run
    /// once the rows are in, inside the same transaction, which rolls both back on failure. None where the database
    /// gains nothing by it: an index made once over a million rows costs SQLite less than one kept up to date row by
    /// row (docs/database.md, "Loading in bulk").
    /// </summary>
    Task<IReadOnlyList<string>> DropIndexesForBulkLoadAsync(ConfigurationDbContext context, IReadOnlyCollection<string> tables, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// Before the transaction of a bulk load into an empty configuration by a process that answers no one else meanwhile
    /// (the CLI: <see cref="Application.ApplicationServices.RunsAlone"/>), takes the database to the context's connection
    /// alone so that it writes each page once rather than twice — on SQLite a rollback journal instead of the write-ahead
    /// log, as <c>sqlite3</c> loads a dump; other connections then wait for the load to end before they read. Disposing
    /// what it gives back, once the transaction has ended, shares the database again. Null where the database has no such
    /// mode, or while another connection has it open: the load then goes on as any other write (docs/database.md,
    /// "Loading in bulk").
    /// </summary>
    Task<IAsyncDisposable?> TakeAloneForBulkLoadAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>
    /// Shares again a database that a bulk load took alone (<see cref="TakeAloneForBulkLoadAsync"/>) and did not give
    /// back — its process was killed midway, or another connection was reading at its end. A process's first open of the
    /// store calls it (<see cref="ConfigurationStore"/>); on a database that is shared it changes nothing.
    /// </summary>
    Task ShareAgainAsync(ConfigurationDbContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether an error means the database was held by another writer for longer than this one waits (or, where the database says so, a serialisation failure).</summary>
    bool IsBusy(System.Data.Common.DbException error);
}
