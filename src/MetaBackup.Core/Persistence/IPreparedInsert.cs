namespace MetaBackup.Core.Persistence;

/// <summary>
/// One table's INSERT, prepared once beneath the ADO.NET provider and run for row after row, its values bound by
/// position (<see cref="IDatabaseProvider.PrepareInsert"/>): an import inserts up to millions of rows, and on SQLite
/// an ADO.NET command a row — each value a parameter object, bound by name, each run through a data reader — took
/// about twice the time SQLite itself takes (docs/performance.md, "Import").
/// </summary>
public interface IPreparedInsert : IDisposable
{
    /// <summary>
    /// Inserts one row inside the connection's current transaction: <paramref name="values"/> in the statement's column
    /// order, each already converted to what the provider stores (the model's value converters applied), null for NULL.
    /// A refusal (a key, a constraint) is the provider's own exception, as from a command.
    /// </summary>
    void Insert(ReadOnlySpan<object?> values);
}
