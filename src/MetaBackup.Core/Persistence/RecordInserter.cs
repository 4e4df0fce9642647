using System.Collections;
using System.Data.Common;
using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// Inserts new records — and the rows of their owned collections — through one reused INSERT per table, made from the
/// EF Core model (tables, columns, value converters: nothing repeats the mapping), inside the caller's transaction. An
/// import creates up to millions of records; SaveChanges sends one command per row and reads every generated key back,
/// about ten times slower (docs/performance.md, "Import"). Nothing is tracked.
/// </summary>
internal sealed class RecordInserter(DbContext db) : IDisposable
{
    private readonly Dictionary<IEntityType, TableInsert> _tables = [];

    public async Task InsertAsync(ConfigRecord record, CancellationToken cancellationToken)
    {
        var type = db.Model.FindEntityType(record.GetType()) ?? throw new InvalidOperationException($"{record.GetType().Name} is not in the model.");
        await Table(type).InsertAsync(record, owner: null, cancellationToken);
        foreach (var navigation in type.GetNavigations().Where(n => n.IsCollection && n.TargetEntityType.IsOwned()))
        {
            if (navigation.PropertyInfo?.GetValue(record) is IEnumerable owned)
            {
                var table = Table(navigation.TargetEntityType);
                foreach (var row in owned)
                {
                    await table.InsertAsync(row, owner: record.Id, cancellationToken);
                }
            }
        }
    }

    private TableInsert Table(IEntityType type)
    {
        if (!_tables.TryGetValue(type, out var table))
        {
            _tables[type] = table = new TableInsert(db, type);
        }

        return table;
    }

    public void Dispose()
    {
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }
    }

    /// <summary>One table's INSERT: the columns the model maps but a key the database generates; an owned row's owner key from its owner.</summary>
    private sealed class TableInsert : IDisposable
    {
        private readonly DbCommand _command;
        private readonly List<(IProperty Property, RelationalTypeMapping Mapping, string Name)> _columns = [];

        public TableInsert(DbContext db, IEntityType type)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            foreach (var property in type.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd)))
            {
                _columns.Add((property, (RelationalTypeMapping)property.GetTypeMapping(), $"p{_columns.Count}"));
            }

            _command = db.Database.GetDbConnection().CreateCommand();
            _command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("Records are inserted inside a transaction.");
            _command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", _columns.Select(c => sql.GenerateParameterNamePlaceholder(c.Name)))})";
        }

        public async Task InsertAsync(object row, string? owner, CancellationToken cancellationToken)
        {
            _command.Parameters.Clear();
            foreach (var (property, mapping, name) in _columns)
            {
                var value = property.IsShadowProperty()
                    ? (property.IsForeignKey() ? owner : throw new InvalidOperationException($"No value for the shadow property {property.Name}."))
                    : property.PropertyInfo is { } info ? info.GetValue(row) : property.FieldInfo!.GetValue(row);
                _command.Parameters.Add(mapping.CreateParameter(_command, name, value, property.IsNullable));
            }

            await _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public void Dispose() => _command.Dispose();
    }
}
