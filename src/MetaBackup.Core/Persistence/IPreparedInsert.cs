using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// One table's INSERT, prepared once beneath the ADO.NET provider and run for row after row, its values bound by
/// position (<see cref="IDatabaseProvider.PrepareInsert"/>): an import inserts up to millions of rows, and on SQLite
/// an ADO.NET command a row — each value a parameter object, bound by name, each run through a data reader — took
/// about twice the time SQLite itself takes (docs/performance.md, "Import"); on PostgreSQL, INSERT commands 250 to a
/// round trip took about twice as long to apply as its binary COPY (docs/performance.md, "On PostgreSQL").
/// </summary>
public interface IPreparedInsert : IDisposable
{
    /// <summary>
    /// Inserts one row inside the connection's current transaction: <paramref name="values"/> in the statement's column
    /// order, each already converted to what the provider stores (the model's value converters applied), null for NULL.
    /// The row may wait to be sent until <see cref="FlushAsync"/>; a refusal (a key, a constraint) is the provider's own
    /// exception, from here or from there.
    /// </summary>
    void Insert(ReadOnlySpan<object?> values);

    /// <summary>Sends every row still waiting; nothing may use the connection while rows wait. Rows are in once it returns.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>
/// One table's INSERT as <see cref="RecordInserter"/> makes it from the EF Core model: its SQL, whose values are
/// parameters, one a column, in order; and the table and the columns it names (delimited as the provider writes them),
/// each with the type mapping its parameter is made by — for a database whose way in is not that SQL.
/// </summary>
public sealed record InsertStatement(string Sql, string Table, IReadOnlyList<(string Name, RelationalTypeMapping Mapping)> Columns);
