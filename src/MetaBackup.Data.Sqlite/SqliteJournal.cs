using MetaBackup.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace MetaBackup.Data.Sqlite;

/// <summary>
/// The journal a MetaBackup database writes through (docs/database.md, "Loading in bulk"). Shared, it is the
/// write-ahead log: the server and the CLI read while the other writes, and every page a transaction changes is written
/// twice — into the log, then into the file when the log is checkpointed. A bulk load into an empty configuration by a
/// process that runs alone switches to a rollback journal for its transaction, where a page SQLite adds to the file is
/// written once and journals nothing, as <c>sqlite3</c> loads a dump: the commit of a million records 2.6–3.2 s → 0.5 s
/// (docs/performance.md, "Import").
/// </summary>
internal static class SqliteJournal
{
    private const string Shared = "wal";
    private const string Alone = "delete";

    /// <summary>
    /// Switches the context's database to the rollback journal, on its connection, opened here and left open for the
    /// load's transaction; null, the connection closed again, when another connection has the database open (SQLite
    /// leaves the write-ahead log only when it is the last one) — asked once, without waiting.
    /// </summary>
    public static async Task<IAsyncDisposable?> TakeAloneAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        if (TrySet(context, Alone))
        {
            // The journal synced before the file is written, whatever the build of SQLite defaults to: in the rollback
            // journal a lesser setting may leave a file damaged by a power cut (docs/database.md, "Loading in bulk").
            Pragma(context, "PRAGMA synchronous=FULL");
            return new SharedAgainAtEnd(context);
        }

        await context.Database.CloseConnectionAsync();
        return null;
    }

    /// <summary>Switches a database found in any journal but the write-ahead log back to it, if no other connection is using it.</summary>
    public static async Task ShareAgainAsync(ConfigurationDbContext context, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (Pragma(context, "PRAGMA journal_mode") is not (Shared or null))
            {
                TrySet(context, Shared);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Sets the journal mode; false when SQLite answers another (it keeps the write-ahead log while another connection has
    /// the database open) or is busy. Stepped beneath Microsoft.Data.Sqlite, which would retry a busy database for its
    /// command timeout: a load that cannot have the database alone goes on at once in the shared journal.
    /// </summary>
    private static bool TrySet(ConfigurationDbContext context, string mode) =>
        string.Equals(Pragma(context, $"PRAGMA journal_mode={mode}"), mode, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What <paramref name="pragma"/> answers on the context's open connection: its first value, or an empty string for
    /// a pragma that answers nothing; null when the database is busy.
    /// </summary>
    private static string? Pragma(ConfigurationDbContext context, string pragma)
    {
        var db = ((SqliteConnection)context.Database.GetDbConnection()).Handle!;
        var result = raw.sqlite3_prepare_v2(db, pragma, out var statement);
        using (statement)
        {
            if (result == raw.SQLITE_OK)
            {
                result = raw.sqlite3_step(statement);
            }

            switch (result)
            {
                case raw.SQLITE_ROW:
                    return raw.sqlite3_column_text(statement, 0).utf8_to_string();
                case raw.SQLITE_DONE:
                    return "";
                case raw.SQLITE_BUSY or raw.SQLITE_LOCKED:
                    return null;
                default:
                    // Any other result is an error, which this throws.
                    SqliteException.ThrowExceptionForRC(result, db);
                    return null;
            }
        }
    }

    /// <summary>Once the load's transaction has ended: the write-ahead log again, and the connection closed.</summary>
    private sealed class SharedAgainAtEnd(ConfigurationDbContext context) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Busy only if another connection began to read at the very end; then the next process to open the store
            // shares it (ShareAgainAsync). An import that committed is not failed for it.
            try
            {
                TrySet(context, Shared);
            }
            catch (SqliteException)
            {
            }

            await context.Database.CloseConnectionAsync();
        }
    }
}
