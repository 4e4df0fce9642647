using System.Data.Common;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// An import into an empty configuration drops the configuration's indexes while it loads the records, and makes them
/// again once they are in (<see cref="IndexesSetAside"/>, docs/database.md, "Loading in bulk"). What the database
/// enforces must come back whole; and a unique index made again over rows that break it refuses them, rolled back with
/// everything else. (<c>EmptyConfigurationImportTests</c> compares whole imports, indexes included.)
/// </summary>
public sealed class IndexesSetAsideTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Indexes_set_aside_are_gone_inside_the_transaction_and_made_again_exactly_as_they_were()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "PostgreSQL keeps its indexes while an import loads (its provider drops none).");
        await using var session = await _store.InitializeAndOpenAsync();
        var made = _store.Indexes();

        await using (var transaction = await session.BeginWriteAsync(CancellationToken.None))
        {
            var indexes = await session.SetIndexesAsideAsync(CancellationToken.None);
            // The configuration's tables have none left; the server's own tables keep theirs.
            var left = await IndexNamesAsync(session);
            Assert.Equal(made.Where(index => !ConfigurationTables.Any(table => index.Contains($" ON \"{table}\"", StringComparison.Ordinal))).Select(NameOf).Order(StringComparer.Ordinal), left);
            Assert.Contains("IX_audit_events_At", left);
            await indexes.RestoreAsync(CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Contains(made, index => index.StartsWith("CREATE UNIQUE INDEX \"IX_groups_Name\"", StringComparison.Ordinal));
        Assert.Equal(made, _store.Indexes());
    }

    [Fact]
    public async Task A_unique_index_made_again_over_rows_that_break_it_fails_and_everything_rolls_back()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "PostgreSQL keeps its indexes while an import loads (its provider drops none).");
        await using var session = await _store.InitializeAndOpenAsync();
        var before = _store.Dump();

        await using (var transaction = await session.BeginWriteAsync(CancellationToken.None))
        {
            var indexes = await session.SetIndexesAsideAsync(CancellationToken.None);
            using (var inserter = session.NewRecordInserter())
            {
                // Nothing stops two groups of one name while the index is aside.
                await inserter.InsertAsync([new Group { Name = "twins" }, new Group { Name = "twins" }], CancellationToken.None);
            }

            var refusal = await Assert.ThrowsAnyAsync<DbException>(() => indexes.RestoreAsync(CancellationToken.None));
            Assert.Contains("UNIQUE", refusal.Message, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        Assert.Equal(before, _store.Dump());
    }

    /// <summary>The tables of the nine areas' records and of the rows they own.</summary>
    private static readonly string[] ConfigurationTables =
        ["settings", "credential_profiles", "encryption_profiles", "groups", "adapters", "jobs", "job_destinations", "job_notifications", "users", "sso_providers", "api_keys"];

    /// <summary>The index's name in the statement that makes it: <c>CREATE [UNIQUE] INDEX "name" ON …</c>.</summary>
    private static string NameOf(string statement) => statement.Split('"')[1];

    /// <summary>The names of the indexes SQLite keeps a statement of, as the session's own transaction sees them.</summary>
    private static Task<List<string>> IndexNamesAsync(ConfigurationSession session) =>
        RawCommand.RunAsync(session.Db, async command =>
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
            var names = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }, CancellationToken.None);
}
