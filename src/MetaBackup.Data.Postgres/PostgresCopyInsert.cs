using MetaBackup.Core.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace MetaBackup.Data.Postgres;

/// <summary>
/// A table's rows loaded by PostgreSQL's binary COPY, its own way of loading in bulk (what <c>psql</c> does with a
/// <c>pg_dump</c>), rather than INSERT commands 250 to a round trip: the rows an inserter is given wait here, and
/// <see cref="FlushAsync"/> sends them in one COPY inside the connection's transaction (docs/performance.md, "On
/// PostgreSQL").
/// Each value is written as the PostgreSQL type its parameter would have been given (the column's type mapping), so
/// that COPY stores what the INSERT stored (<c>RecordInserterTests</c> compares every column of every table with rows EF
/// Core saved). A refusal — a key, a constraint — is PostgreSQL's own, raised when the COPY completes, and aborts the
/// transaction as a refused INSERT does.
/// </summary>
internal sealed class PostgresCopyInsert : IPreparedInsert
{
    private readonly NpgsqlConnection _connection;
    private readonly string _copy;

    /// <summary>Each column's PostgreSQL type as its parameter gives it; null where the parameter leaves it to the value.</summary>
    private readonly NpgsqlDbType?[] _types;

    private readonly List<object?[]> _rows = [];

    public PostgresCopyInsert(NpgsqlConnection connection, InsertStatement statement)
    {
        _connection = connection;
        _copy = $"COPY {statement.Table} ({string.Join(", ", statement.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        using var command = connection.CreateCommand();
        _types = [.. statement.Columns.Select(c =>
            c.Mapping.CreateParameter(command, "p", null) is NpgsqlParameter { NpgsqlDbType: not NpgsqlDbType.Unknown and var type } ? type : (NpgsqlDbType?)null)];
    }

    public void Insert(ReadOnlySpan<object?> values) => _rows.Add(values.ToArray());

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        try
        {
            await using var importer = await _connection.BeginBinaryImportAsync(_copy, cancellationToken);
            foreach (var row in _rows)
            {
                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is not { } value)
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                    else if (_types[i] is { } type)
                    {
                        await importer.WriteAsync(value, type, cancellationToken);
                    }
                    else
                    {
                        await importer.WriteAsync(value, cancellationToken);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }
        finally
        {
            _rows.Clear();
        }
    }

    public void Dispose() => _rows.Clear();
}
