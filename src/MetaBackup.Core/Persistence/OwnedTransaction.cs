using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// A transaction begun on the connection itself and handed to EF Core with <c>UseTransaction</c>. EF
/// does not own such a transaction, so disposing EF's handle alone would leave it open on the
/// connection; this one ends the transaction and closes the connection it opened, too. The providers begin their
/// read snapshots this way, with options EF Core's own BeginTransaction does not offer.
/// </summary>
public sealed class OwnedTransaction(ConfigurationDbContext context, IDbContextTransaction handle, DbTransaction transaction) : IDbContextTransaction
{
    public Guid TransactionId => handle.TransactionId;

    public void Commit() => handle.Commit();

    public Task CommitAsync(CancellationToken cancellationToken = default) => handle.CommitAsync(cancellationToken);

    public void Rollback() => handle.Rollback();

    public Task RollbackAsync(CancellationToken cancellationToken = default) => handle.RollbackAsync(cancellationToken);

    public void Dispose()
    {
        handle.Dispose();
        transaction.Dispose();
        context.Database.CloseConnection();
    }

    public async ValueTask DisposeAsync()
    {
        await handle.DisposeAsync();
        await transaction.DisposeAsync();
        await context.Database.CloseConnectionAsync();
    }
}
