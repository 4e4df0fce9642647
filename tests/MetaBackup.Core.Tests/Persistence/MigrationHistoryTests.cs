using MetaBackup.Core.Persistence;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using IRelationalDatabaseCreator = Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// Every command asks which migrations the database has applied; it reads EF Core's history table itself
/// (<see cref="MigrationHistory"/>, docs/performance.md "Start-up"), and must read what EF Core reads, on each database.
/// </summary>
public sealed class MigrationHistoryTests : IDisposable
{
    private readonly TestStore _test = new();

    private IDatabaseProvider Database => Data.DatabaseProviders.For(_test.DataDirectory, name => _test.Environment.GetValueOrDefault(name));

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task A_database_without_a_history_table_has_applied_nothing()
    {
        Directory.CreateDirectory(_test.DataDirectory.Root);
        await using var db = _test.Store().NewContext();
        await db.GetService<IRelationalDatabaseCreator>().CreateAsync(); // an empty database: no table at all

        Assert.Empty(await Database.AppliedMigrationsAsync(db, CancellationToken.None));
        Assert.True(MigrationHistory.HasPending(db, []));
    }

    [Fact]
    public async Task A_database_part_way_through_the_migrations_reads_as_EF_Core_reads_it_and_has_the_rest_pending()
    {
        Directory.CreateDirectory(_test.DataDirectory.Root);
        await using var db = _test.Store().NewContext();
        var migrations = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.Count / 2]);

        var applied = await Database.AppliedMigrationsAsync(db, CancellationToken.None);

        Assert.Equal(migrations.Take(migrations.Count / 2 + 1), applied);
        Assert.Equal(await db.Database.GetAppliedMigrationsAsync(), applied);
        Assert.True(MigrationHistory.HasPending(db, applied));
    }

    [Fact]
    public async Task An_initialised_database_has_applied_every_migration_and_none_is_pending()
    {
        await using var session = await _test.InitializeAndOpenAsync();

        var applied = await Database.AppliedMigrationsAsync(session.Db, CancellationToken.None);

        Assert.Equal(session.Db.Database.GetMigrations(), applied);
        Assert.False(MigrationHistory.HasPending(session.Db, applied));
    }
}
