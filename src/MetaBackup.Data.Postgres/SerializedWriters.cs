using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MetaBackup.Data.Postgres;

/// <summary>
/// One writer at a time, as on SQLite (docs/database.md, "Transactions"): every transaction EF Core begins — a save's,
/// an import's, a rotation's — first takes one transaction-scoped advisory lock, so what a writer reads inside its
/// transaction is what it changes, whichever instance it runs in. A writer waits for the lock as long as SQLite's busy
/// timeout; then the lock error is "busy" (<see cref="PostgresDatabaseProvider.IsBusy"/>). Read snapshots begin on the
/// connection itself and take no lock; neither do the lease heartbeats, which are single statements.
/// </summary>
internal sealed class SerializedWriters : DbTransactionInterceptor
{
    /// <summary>The advisory lock's key; advisory locks are per database, so installations sharing a server do not meet.</summary>
    private const long WriterLock = 0x4D42_5752_4954_4552; // "MBWRITER"

    private static readonly string TakeLock = $"SET LOCAL lock_timeout = '30s'; SELECT pg_advisory_xact_lock({WriterLock});";

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = Command(connection, result);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = Command(connection, result);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = TakeLock;
        return command;
    }
}
