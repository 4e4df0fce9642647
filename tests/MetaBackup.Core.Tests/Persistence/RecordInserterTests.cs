using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Data.Sqlite;
using MetaBackup.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The import inserts the records it creates through <see cref="RecordInserter"/> — on SQLite beneath Microsoft.Data.Sqlite,
/// its values bound by position (<see cref="IPreparedInsert"/>, docs/performance.md, "Import"), on PostgreSQL by binary
/// COPY — and not through EF Core's saves: what it stores must be what a save stores, to the byte.
/// </summary>
public sealed class RecordInserterTests : IDisposable
{
    private readonly TestStore _saved = new();
    private readonly TestStore _inserted = new();
    private readonly TempDirectory _scratch = new();
    private readonly SqliteDatabaseProvider _sqlite;

    public RecordInserterTests() => _sqlite = new SqliteDatabaseProvider(_scratch.Combine("values.db"));

    public void Dispose()
    {
        _saved.Dispose();
        _inserted.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Records_inserted_as_an_import_inserts_them_are_stored_exactly_as_EF_Core_saves_them()
    {
        var (areas, records, model) = await SavedSampleAsync();

        await using (var target = await _inserted.InitializeAndOpenAsync())
        {
            await using var transaction = await target.BeginWriteAsync(CancellationToken.None);
            using var inserter = target.NewRecordInserter();
            await inserter.InsertAsync(records, CancellationToken.None);
            await transaction.CommitAsync();
        }

        // Every table the areas' records and their owned rows are stored in (a job's destinations and notifications).
        var tables = areas
            .Select(a => model.FindEntityType(a.EntityType)!)
            .SelectMany(t => new[] { t }.Concat(t.GetNavigations().Where(n => n.IsCollection && n.TargetEntityType.IsOwned()).Select(n => n.TargetEntityType)))
            .Select(t => t.GetTableName()!)
            .ToHashSet();
        Assert.True(tables.Count >= areas.Count + 2, string.Join(", ", tables));
        var saved = Tables(_saved.Dump(), tables);
        var inserted = Tables(_inserted.Dump(), tables);
        Assert.Equal(tables.Order(), saved.Keys.Order());
        Assert.All(tables, t => Assert.True(saved[t].Count > 0, $"the sample configuration has no row in {t}"));
        foreach (var table in tables)
        {
            Assert.Equal(saved[table], inserted[table]);
        }
    }

    [Fact]
    public async Task Every_getter_an_inserter_reads_a_record_with_is_one_an_import_has_made_ahead()
    {
        // An import has these made on the other core before its first record goes in (MadeAhead): one the inserter read a
        // column, a secret or an owned collection with that is not among them, the inserting thread makes itself
        // (docs/performance.md, "Start-up"). EF Core keeps each getter in the model: the same instance either way.
        var (_, records, _) = await SavedSampleAsync();
        await using var target = await _inserted.InitializeAndOpenAsync();
        await using var transaction = await target.BeginWriteAsync(CancellationToken.None);
        using var inserter = target.NewRecordInserter();
        await inserter.InsertAsync(records, CancellationToken.None);

        var madeAhead = RecordInserter.MakeGetters(target.Db.Model, ConfigurationAreas.All.Select(a => a.EntityType)).ToHashSet(ReferenceEqualityComparer.Instance);

        Assert.NotEmpty(inserter.Getters);
        Assert.All(inserter.Getters, getter => Assert.Contains(getter, madeAhead));
    }

    /// <summary>
    /// A row the database refuses (here a second credential profile of the same name: a unique index) fails the insert
    /// with the provider's own error — on PostgreSQL when the COPY of the call's rows completes — and the transaction
    /// rolled back keeps none of the call's rows.
    /// </summary>
    [Fact]
    public async Task A_row_the_database_refuses_fails_the_call_with_the_provider_s_own_error_and_nothing_of_it_stays()
    {
        await using var target = await _inserted.InitializeAndOpenAsync();
        await using (var transaction = await target.BeginWriteAsync(CancellationToken.None))
        {
            using var inserter = target.NewRecordInserter();
            ConfigRecord[] twins = [new CredentialProfile { Name = "twin" }, new CredentialProfile { Name = "other" }, new CredentialProfile { Name = "twin" }];
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => inserter.InsertAsync(twins, CancellationToken.None));
            Assert.Contains("unique", refused.Message, StringComparison.OrdinalIgnoreCase);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await target.Db.CredentialProfiles.AsNoTracking().ToListAsync());
    }

    /// <summary>
    /// The sample configuration saved through EF Core, and its records of every area an import inserts: not settings,
    /// which an import applies through the change tracker.
    /// </summary>
    private async Task<(List<ConfigurationArea> Areas, List<ConfigRecord> Records, IModel Model)> SavedSampleAsync()
    {
        var areas = ConfigurationAreas.All.Where(a => a != ConfigurationAreas.Settings).ToList();
        var records = new List<ConfigRecord>();
        await using var source = await _saved.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(source);
        foreach (var area in areas)
        {
            await foreach (var record in source.Records(area, CancellationToken.None))
            {
                records.Add(record);
            }
        }

        return (areas, records, source.Db.Model);
    }

    /// <summary>
    /// Like every save, the inserter refuses secrets sealed under a key no longer in force — asking the database once a
    /// transaction, since no other writer can rotate the key while the transaction holds the database; a key changed
    /// inside it (which only the transaction itself could do, and an import does not) is not seen until the next.
    /// </summary>
    [Fact]
    public async Task The_key_in_force_is_read_once_a_transaction_and_again_in_the_next()
    {
        EncryptedSecret? secret = null;
        await using (var source = await _saved.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(source);
            await foreach (var record in source.Records(ConfigurationAreas.CredentialProfiles, CancellationToken.None))
            {
                var profile = (CredentialProfile)record;
                secret ??= profile.Password ?? profile.PrivateKey ?? profile.Passphrase ?? profile.Token;
            }
        }

        Assert.NotNull(secret);
        ConfigRecord[] credentials = [new CredentialProfile { Name = "first", Token = secret }, new CredentialProfile { Name = "second", Token = secret }];
        await using var target = await _inserted.InitializeAndOpenAsync();
        using var inserter = target.NewRecordInserter();
        await using (var transaction = await target.BeginWriteAsync(CancellationToken.None))
        {
            await inserter.InsertAsync([credentials[0]], CancellationToken.None);
            await ChangeTheKeyInForceAsync(target.Db);
            await inserter.InsertAsync([credentials[1]], CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using (var transaction = await target.BeginWriteAsync(CancellationToken.None))
        {
            await ChangeTheKeyInForceAsync(target.Db);
            var refused = await Assert.ThrowsAsync<ConflictException>(() => inserter.InsertAsync([credentials[1]], CancellationToken.None));
            Assert.Contains("rotated", refused.Message);
        }

        Assert.Empty(await target.Db.CredentialProfiles.AsNoTracking().ToListAsync());

        static Task ChangeTheKeyInForceAsync(ConfigurationDbContext db) =>
            db.SystemState.Where(s => s.Key == SystemState.SystemKeyFingerprint).ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, "another key"));
    }

    /// <summary>
    /// Each value a column may hold, bound by <see cref="SqlitePreparedInsert"/> and by a Microsoft.Data.Sqlite parameter of
    /// the same value into an untyped column: SQLite holds the same storage class and the same bytes — text longer than
    /// the inserter's first buffer, and text that is not well-formed UTF-16, included. A time keeps its offset and its
    /// ticks, as Microsoft.Data.Sqlite writes it.
    /// </summary>
    [Fact]
    public async Task On_SQLite_each_value_is_stored_as_a_Microsoft_Data_Sqlite_parameter_stores_it()
    {
        await using var db = await ScratchTableAsync("(\"Way\" TEXT, \"Value\")");
        object?[] values =
        [
            null, "", "text with ' and \" and é and 😀", new string('é', 3000) + "😀", "a lone \ud800 surrogate", "\udc00",
            long.MaxValue, long.MinValue, 0L, int.MaxValue, -1, true, false, 1.5, -0.0, 1e300,
            new byte[] { 0, 1, 255 }, Array.Empty<byte>(),
            new DateTimeOffset(2026, 12, 5, 9, 30, 15, TimeSpan.Zero),
            StoredTime.Of(new DateTimeOffset(2026, 12, 5, 9, 30, 15, 123, TimeSpan.Zero).AddTicks(4560)),
            new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)).AddTicks(1234567),
            new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.FromMinutes(-330)),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-11)).AddTicks(1),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(14)).AddTicks(1_000_000),
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue,
        ];
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var transaction = await db.Database.BeginTransactionAsync();
        using (var prepared = _sqlite.PrepareInsert(db, new InsertStatement("INSERT INTO \"Values\" (\"Way\", \"Value\") VALUES (@p0, @p1)", "\"Values\"", [])))
        {
            foreach (var value in values)
            {
                prepared.Insert(["prepared", value]);
            }
        }

        foreach (var value in values)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO \"Values\" (\"Way\", \"Value\") VALUES ('parameter', @value)";
            command.Parameters.AddWithValue("@value", value ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        Assert.Equal(await StoredAsync(connection, "parameter"), await StoredAsync(connection, "prepared"));
        Assert.Equal(values.Length, (await StoredAsync(connection, "prepared")).Count);
    }

    [Fact]
    public async Task On_SQLite_a_value_of_a_type_it_does_not_know_is_refused_and_a_refused_row_is_the_provider_s_own_error()
    {
        await using var db = await ScratchTableAsync("(\"Key\" TEXT PRIMARY KEY, \"Value\")");
        await using var transaction = await db.Database.BeginTransactionAsync();
        using var prepared = _sqlite.PrepareInsert(db, new InsertStatement("INSERT INTO \"Values\" (\"Key\", \"Value\") VALUES (@p0, @p1)", "\"Values\"", []));
        var unknown = Assert.Throws<NotSupportedException>(() => prepared.Insert(["a", Guid.NewGuid()]));
        Assert.Contains(nameof(Guid), unknown.Message);
        prepared.Insert(["a", 1L]);
        var duplicate = Assert.Throws<SqliteException>(() => prepared.Insert(["a", 2L]));
        Assert.Equal(19, duplicate.SqliteErrorCode);
        prepared.Insert(["b", 2L]);
        Assert.Equal(2, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM \"Values\"").SingleAsync());
    }

    /// <summary>A context on a scratch SQLite database holding one table, "Values", of <paramref name="columns"/>.</summary>
    private async Task<ConfigurationDbContext> ScratchTableAsync(string columns)
    {
        var db = new ConfigurationDbContext(_sqlite.ContextOptions);
        await db.Database.OpenConnectionAsync();
        var create = "CREATE TABLE \"Values\" " + columns;
        await db.Database.ExecuteSqlRawAsync(create);
        return db;
    }

    private static async Task<List<string>> StoredAsync(SqliteConnection connection, string way)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(\"Value\") || ' ' || quote(\"Value\") FROM \"Values\" WHERE \"Way\" = @way ORDER BY rowid";
        command.Parameters.AddWithValue("@way", way);
        var stored = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    /// <summary>The rows of each of <paramref name="tables"/> in a <see cref="DatabaseDump"/> (sorted, one line each).</summary>
    private static Dictionary<string, List<string>> Tables(string dump, IReadOnlySet<string> tables)
    {
        var found = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var name = line[3..].TrimEnd('\r');
                current = tables.Contains(name) ? found[name] = [] : null;
            }
            else
            {
                current?.Add(line);
            }
        }

        return found;
    }
}
