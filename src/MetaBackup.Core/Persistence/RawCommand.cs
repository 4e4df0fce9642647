using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// A plain ADO.NET command on a context's connection, inside its transaction when it has one: for the few reads that
/// every command or every export makes, where EF Core's query pipeline (a model of its own, or a query compiled at
/// first use) costs more than the read itself (docs/performance.md, "Start-up" and "Export").
/// </summary>
public static class RawCommand
{
    public static async Task<T> RunAsync<T>(ConfigurationDbContext context, Func<DbCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        var connection = context.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = context.Database.CurrentTransaction?.GetDbTransaction();
            return await run(command);
        }
        finally
        {
            if (opened)
            {
                await context.Database.CloseConnectionAsync();
            }
        }
    }
}
