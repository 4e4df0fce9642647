using System.Data;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Persistence.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using IDbContextTransaction = Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction;
using Npgsql;

namespace MetaBackup.Data.Postgres;

/// <summary>
/// PostgreSQL (docs/database.md), for several server instances on one database: migrated by this assembly's
/// migrations, writers serialised by an advisory lock (<see cref="SerializedWriters"/>), exports read in one
/// repeatable-read snapshot.
/// </summary>
public sealed class PostgresDatabaseProvider(PostgresConnectionSettings settings) : IDatabaseProvider
{
    public string Description => settings.Description;

    public DbContextOptions<ConfigurationDbContext> ContextOptions { get; } = OptionsFor(settings.ConnectionString, settings.Description);

    /// <summary>A binary COPY into the statement's table, on the context's connection (<see cref="PostgresCopyInsert"/>).</summary>
    public IPreparedInsert PrepareInsert(ConfigurationDbContext context, InsertStatement statement) =>
        new PostgresCopyInsert((NpgsqlConnection)context.Database.GetDbConnection(), statement);

    /// <summary>
    /// Whether the database exists on the server: the server must answer — a server that does not, or refuses the role,
    /// is reported (<see cref="DatabaseUnavailableException"/>), never taken for "no database, run init".
    /// </summary>
    public bool DatabaseExists()
    {
        try
        {
            using var connection = new NpgsqlConnection(settings.ConnectionString);
            connection.Open();
            return true;
        }
        catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
        catch (NpgsqlException failure) when (UnavailableDatabase.Translate(settings.Description, failure) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Migrates (creating the database when the role may) and writes the first rows in one transaction. PostgreSQL
    /// applies each migration in a transaction of its own; a creation killed between the migrations and the first rows
    /// leaves a schema without a system key fingerprint, which reads as "not initialised" and which the next creation
    /// completes.
    /// </summary>
    public async Task CreateAsync(Func<ConfigurationDbContext, CancellationToken, Task> populate, CancellationToken cancellationToken)
    {
        await using var db = new ConfigurationDbContext(ContextOptions);
        try
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        catch (PostgresException created) when (created.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // A creation killed a moment before leaves its CREATE DATABASE running on the server, which may finish after
            // this one found no database: it is there now, so migrate it.
            await db.Database.MigrateAsync(cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await populate(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Npgsql's migrations hold a session-level advisory lock, which a killed process's connection releases: nothing stale can stay.</summary>
    public Task MigrateAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        context.Database.MigrateAsync(cancellationToken);

    /// <summary>REPEATABLE READ, READ ONLY: every query sees the snapshot of the first, and no writer waits for it.</summary>
    public async Task<IDbContextTransaction> BeginReadSnapshotAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        var used = await context.Database.UseTransactionAsync(transaction, cancellationToken);
        return new OwnedTransaction(context, used!, transaction);
    }

    /// <summary>A transaction EF Core begins, so <see cref="SerializedWriters"/> takes the writers' lock first.</summary>
    public Task<IDbContextTransaction> BeginWriteAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        context.Database.BeginTransactionAsync(cancellationToken);

    /// <summary>The server's clock_timestamp(): the time now, not the transaction's start.</summary>
    /// <summary>The history table as EF Core creates and finds it: unqualified, so in the first schema of the search path.</summary>
    public Task<IReadOnlyList<string>> AppliedMigrationsAsync(ConfigurationDbContext context, CancellationToken cancellationToken) =>
        MigrationHistory.ReadAsync(context, $"SELECT count(*) FROM (SELECT to_regclass('\"{MigrationHistory.Table}\"') AS t) AS h WHERE t IS NOT NULL", cancellationToken);

    public async Task<DateTimeOffset> NowAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        var now = await context.Database.SqlQuery<DateTime>($"SELECT clock_timestamp() AS \"Value\"").SingleAsync(cancellationToken);
        return StoredTime.Of(new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc)));
    }

    /// <summary>lock_not_available (the writers' lock waited out its timeout), serialization_failure and deadlock_detected.</summary>
    public bool IsBusy(System.Data.Common.DbException error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <summary>Asynchronously: Npgsql waits on the network, and a thread must not be held while it does.</summary>
    public IAsyncEnumerable<T> Stream<T>(IQueryable<T> query) => query.AsAsyncEnumerable();

    internal static DbContextOptions<ConfigurationDbContext> OptionsFor(string connectionString, string description, bool compiledModel = true)
    {
        var options = new DbContextOptionsBuilder<ConfigurationDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name))
            .AddInterceptors(new SerializedWriters(), new UnavailableDatabase(description))
            .CompilingNestedLambdasOnce();
        // As on SQLite, the compiled model (CompiledModel/, docs/development.md) spares every command building the model.
        return (compiledModel ? options.UseModel(CompiledModel.ConfigurationDbContextModel.Instance) : options).Options;
    }
}
