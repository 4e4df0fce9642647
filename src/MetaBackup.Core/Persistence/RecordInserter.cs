using System.Collections;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// Inserts new records — and the rows of their owned collections — through one reused INSERT per table, made from the
/// EF Core model (tables, columns, value converters: nothing repeats the mapping), inside the caller's transaction. An
/// import creates up to millions of records; SaveChanges sends one command per row and reads every generated key back,
/// about ten times slower (docs/performance.md, "Import"). Nothing is tracked. The rows go in by the database's own way
/// beneath ADO.NET (<see cref="IDatabaseProvider.PrepareInsert"/>), their values by position — on SQLite, in the
/// process, each row at once; on PostgreSQL each call's rows in one binary COPY a table. One inserter serves a
/// transaction's every insert: each table's INSERT is prepared, and each type of record's shape read from the model, once.
/// </summary>
internal sealed class RecordInserter(ConfigurationDbContext db, IDatabaseProvider database) : IDisposable
{
    private readonly Dictionary<IEntityType, TableInsert> _tables = [];
    private readonly List<TableInsert> _tablesInOrder = [];
    private readonly Dictionary<Type, RecordShape> _shapes = [];

    /// <summary>The keys found in force in <see cref="_keysCheckedIn"/> (<see cref="CheckSealedUnderKeyInForceAsync"/>).</summary>
    private readonly HashSet<string> _keysChecked = new(StringComparer.Ordinal);
    private IDbContextTransaction? _keysCheckedIn;

    /// <summary>
    /// Inserts <paramref name="records"/> and sends every row before it returns — with the same check as a save first:
    /// every secret sealed under the system key in force (<see cref="ConfigurationDbContext.CheckSealedUnderKeyInForceAsync"/>).
    /// Their timestamps are stored as they are.
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<ConfigRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        var sealedUnder = new HashSet<string>(StringComparer.Ordinal);
        // Looked up where each fingerprint lies in its envelope: copied out only the first time (a malformed envelope's is "").
        var known = sealedUnder.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var record in records)
        {
            foreach (var secret in Shape(record).Secrets)
            {
                if (secret.GetClrValue(record) is EncryptedSecret value && !known.Contains(value.KeyFingerprintSpan))
                {
                    sealedUnder.Add(value.KeyFingerprint ?? "");
                }
            }
        }

        await CheckSealedUnderKeyInForceAsync(sealedUnder, cancellationToken);
        foreach (var record in records)
        {
            var shape = Shape(record);
            shape.Table.Insert(record, owner: null);
            foreach (var (collection, table) in shape.OwnedCollections)
            {
                if (collection.GetClrValue(record) is IEnumerable owned)
                {
                    foreach (var row in owned)
                    {
                        table.Insert(row, owner: record.Id);
                    }
                }
            }
        }

        await FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The check of every save, asked of the database once per key per transaction rather than once per batch: one
    /// writer at a time holds the database (SQLite's write lock; on PostgreSQL an advisory lock, docs/database.md,
    /// "Transactions"), so the key in force read inside a transaction stays in force until it ends — no import rotates
    /// the key it imports under. Asked for every batch of 256 records, the query was a tenth of the inserting thread's
    /// time (docs/performance.md, "Import").
    /// </summary>
    private async Task CheckSealedUnderKeyInForceAsync(HashSet<string> sealedUnder, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction;
        if (transaction is not null && ReferenceEquals(transaction, _keysCheckedIn) && sealedUnder.IsSubsetOf(_keysChecked))
        {
            return;
        }

        await db.CheckSealedUnderKeyInForceAsync(sealedUnder, cancellationToken);
        if (!ReferenceEquals(transaction, _keysCheckedIn))
        {
            _keysChecked.Clear();
            _keysCheckedIn = transaction;
        }

        _keysChecked.UnionWith(sealedUnder);
    }

    /// <summary>
    /// Sends the rows still waiting, table by table in the order the tables were first written — a record's own before
    /// the rows it owns, and a record's before those of an area that points to it (the records come in dependency order).
    /// </summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var table in _tablesInOrder)
        {
            await table.Prepared.FlushAsync(cancellationToken);
        }
    }

    /// <summary>What inserting a record of this type takes, read from the model once per type.</summary>
    private RecordShape Shape(ConfigRecord record)
    {
        var clrType = record.GetType();
        if (!_shapes.TryGetValue(clrType, out var shape))
        {
            var type = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            _shapes[clrType] = shape = new RecordShape(
                Table(type),
                [.. OwnedCollections(type).Select(n => (n.GetGetter(), Table(n.TargetEntityType)))],
                [.. type.GetProperties().Where(p => p.ClrType == typeof(EncryptedSecret) && !p.IsShadowProperty()).Select(p => p.GetGetter())]);
        }

        return shape;
    }

    /// <summary>
    /// Asks EF Core for every getter by which an inserter reads the records of <paramref name="types"/> and their owned
    /// rows: EF Core compiles each the first time it is asked for (an expression tree made into a method) and keeps it in
    /// the model, which every context of the process shares. An import has them made on the other core before its
    /// first record goes in (<see cref="Import.MadeAhead"/>), rather than the inserting thread one at a time, each at its
    /// type's first record (docs/performance.md, "Start-up"). Returns them.
    /// </summary>
    internal static List<IClrPropertyGetter> MakeGetters(IModel model, IEnumerable<Type> types)
    {
        var made = new List<IClrPropertyGetter>();
        void Make(IEntityType type)
        {
            made.AddRange(Columns(type).Where(p => !p.IsShadowProperty()).Select(p => p.GetGetter()));
            foreach (var collection in OwnedCollections(type))
            {
                made.Add(collection.GetGetter());
                Make(collection.TargetEntityType);
            }
        }

        foreach (var type in types)
        {
            Make(model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model."));
        }

        return made;
    }

    /// <summary>Every getter this inserter has read a record with so far (for tests).</summary>
    internal IEnumerable<IClrPropertyGetter> Getters =>
        _shapes.Values.SelectMany(s => s.OwnedCollections.Select(c => c.Collection).Concat(s.Secrets)).Concat(_tables.Values.SelectMany(t => t.Getters));

    /// <summary>The collections of rows a record owns, each inserted into its own table.</summary>
    private static IEnumerable<INavigation> OwnedCollections(IEntityType type) => type.GetNavigations().Where(n => n.IsCollection && n.TargetEntityType.IsOwned());

    /// <summary>The properties a table's INSERT writes: every one the model maps but a key the database generates.</summary>
    private static IEnumerable<IProperty> Columns(IEntityType type) => type.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd));

    /// <summary>A type of record's own table, its owned collections' tables (their rows keyed by the record's id), and its secrets.</summary>
    private sealed record RecordShape(TableInsert Table, (IClrPropertyGetter Collection, TableInsert Table)[] OwnedCollections, IClrPropertyGetter[] Secrets);

    private TableInsert Table(IEntityType type)
    {
        if (!_tables.TryGetValue(type, out var table))
        {
            _tables[type] = table = new TableInsert(db, database, type);
            _tablesInOrder.Add(table);
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
        /// <summary>The row's values for <see cref="Prepared"/>, filled again for each row.</summary>
        private readonly object?[] _values;

        /// <summary>Each column's value: read by EF Core's compiled getter of the property, or the owner's key for an owned row's shadow key.</summary>
        private readonly List<(IClrPropertyGetter? Getter, RelationalTypeMapping Mapping)> _columns = [];

        public TableInsert(ConfigurationDbContext db, IDatabaseProvider database, IEntityType type)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var statementColumns = new List<(string Name, RelationalTypeMapping Mapping)>();
            var parameters = new List<string>();
            foreach (var property in Columns(type))
            {
                var getter = !property.IsShadowProperty() ? property.GetGetter()
                    : property.IsForeignKey() ? null
                    : throw new InvalidOperationException($"No value for the shadow property {property.Name}.");
                var mapping = (RelationalTypeMapping)property.GetTypeMapping();
                _columns.Add((getter, mapping));
                parameters.Add(sql.GenerateParameterNamePlaceholder($"p{parameters.Count}"));
                statementColumns.Add((sql.DelimitIdentifier(property.GetColumnName(table)!), mapping));
            }

            if (db.Database.CurrentTransaction is null)
            {
                throw new InvalidOperationException("Records are inserted inside a transaction.");
            }

            var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
            var insertSql =
                $"INSERT INTO {tableName} ({string.Join(", ", statementColumns.Select(c => c.Name))}) " +
                $"VALUES ({string.Join(", ", parameters)})";
            Prepared = database.PrepareInsert(db, new InsertStatement(insertSql, tableName, statementColumns));
            _values = new object?[_columns.Count];
        }

        /// <summary>The getters of the columns read from the row itself.</summary>
        public IEnumerable<IClrPropertyGetter> Getters => _columns.Select(c => c.Getter).OfType<IClrPropertyGetter>();

        /// <summary>The INSERT prepared beneath ADO.NET, the database's own way.</summary>
        public IPreparedInsert Prepared { get; }

        /// <summary>Inserts the row through <see cref="Prepared"/>, each value converted as the model says, as a parameter made by the mapping would be.</summary>
        public void Insert(object row, string? owner)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                var (getter, mapping) = _columns[i];
                var value = getter is null ? owner : getter.GetClrValue(row);
                _values[i] = mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
            }

            Prepared.Insert(_values);
        }

        public void Dispose()
        {
            Prepared.Dispose();
        }
    }
}
