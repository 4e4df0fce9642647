using MetaBackup.Core.Persistence;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// Every committed migration is a schema some operator's database may be at (docs/development.md, "Database
/// migrations"). A database is created at each one — on the database the tests run on, with that provider's own
/// migrations —, given a group, a job whose destinations were written out of their list's order, and the system key's
/// fingerprint, and opened by this version: it is upgraded, keeps both exactly, and takes the whole sample configuration.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private const string InsertGroup =
        "INSERT INTO groups (\"Id\", \"Name\", \"Description\", \"Permissions\", \"CreatedAt\", \"UpdatedAt\") " +
        "VALUES ('grp_upgrade', 'kept-at-upgrade', {0}, PERMISSIONS, '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00')";

    // Braces are doubled: EF Core formats raw SQL with its parameters.
    private const string InsertJob =
        "INSERT INTO adapters (\"Id\", \"Kind\", \"Type\", \"Name\", \"Config\", \"CreatedAt\", \"UpdatedAt\") VALUES " +
        "('adp_source', 'database', 'postgres', 'upgrade-source', '{{\"host\":\"h\",\"database\":\"d\"}}', '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00'), " +
        "('adp_first', 'storage', 'local', 'upgrade-first', '{{\"path\":\"/srv/1\"}}', '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00'), " +
        "('adp_second', 'storage', 'local', 'upgrade-second', '{{\"path\":\"/srv/2\"}}', '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00'), " +
        "('adp_third', 'storage', 'local', 'upgrade-third', '{{\"path\":\"/srv/3\"}}', '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00');" +
        "INSERT INTO jobs (\"Id\", \"Name\", \"Schedule\", \"Enabled\", \"SourceAdapterId\", \"Compression\", \"CreatedAt\", \"UpdatedAt\") " +
        "VALUES ('job_upgrade', 'kept-at-upgrade', '0 3 * * *', TRUE, 'adp_source', 'gzip', '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00');";

    /// <summary>Written in another order than the list's: the list is second, first, third.</summary>
    private const string InsertDestinationsWithRowIds =
        "INSERT INTO job_destinations (\"Id\", \"JobId\", \"AdapterId\", \"Retention\") VALUES " +
        "(12, 'job_upgrade', 'adp_third', 30), (10, 'job_upgrade', 'adp_second', 2), (11, 'job_upgrade', 'adp_first', 7);";

    private const string InsertDestinationsWithRowIdsAndPositions =
        "INSERT INTO job_destinations (\"Id\", \"Position\", \"JobId\", \"AdapterId\", \"Retention\") VALUES " +
        "(12, 2, 'job_upgrade', 'adp_third', 30), (10, 0, 'job_upgrade', 'adp_second', 2), (11, 1, 'job_upgrade', 'adp_first', 7);";

    private const string InsertDestinationsWithPositions =
        "INSERT INTO job_destinations (\"Position\", \"JobId\", \"AdapterId\", \"Retention\") VALUES " +
        "(2, 'job_upgrade', 'adp_third', 30), (0, 'job_upgrade', 'adp_second', 2), (1, 'job_upgrade', 'adp_first', 7);";

    private static readonly DateTimeOffset Then = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task A_database_created_at_every_committed_migration_is_upgraded_and_keeps_its_configuration()
    {
        List<string> migrations;
        using (var probe = new TestStore())
        await using (var db = probe.Store().NewContext())
        {
            migrations = [.. db.Database.GetMigrations()];
        }

        Assert.NotEmpty(migrations);
        foreach (var migration in migrations)
        {
            using var test = new TestStore();
            Directory.CreateDirectory(test.DataDirectory.Root);
            await using (var db = test.Store().NewContext())
            {
                await db.GetService<IMigrator>().MigrateAsync(migration);
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO system_state (\"Key\", \"Value\") VALUES ({0}, {1})", SystemState.SystemKeyFingerprint, TestKeys.FingerprintOf(TestKeys.A));
                // The time literal is one both databases read as this instant; a list is JSON text on SQLite, an array on PostgreSQL.
                await db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgres ? InsertGroup.Replace("PERMISSIONS", "'{{tasks.read}}'", StringComparison.Ordinal) : InsertGroup.Replace("PERMISSIONS", "'[\"tasks.read\"]'", StringComparison.Ordinal), $"created at {migration}");
                await db.Database.ExecuteSqlRawAsync(InsertJob);
                // A list's rows had a row id of their own until JobListKeys, and a position from JobListPositions on.
                var at = migrations.IndexOf(migration);
                var rowIds = !TestDatabase.IsPostgres && at < migrations.FindIndex(m => m.EndsWith("_JobListKeys", StringComparison.Ordinal));
                var positions = TestDatabase.IsPostgres || at >= migrations.FindIndex(m => m.EndsWith("_JobListPositions", StringComparison.Ordinal));
                await db.Database.ExecuteSqlRawAsync((rowIds, positions) switch
                {
                    (true, false) => InsertDestinationsWithRowIds,
                    (true, true) => InsertDestinationsWithRowIdsAndPositions,
                    _ => InsertDestinationsWithPositions,
                });
            }

            await using var session = await test.OpenAsync();

            Assert.Empty(await session.Db.Database.GetPendingMigrationsAsync());
            var group = await session.Db.Groups.AsNoTracking().SingleAsync(g => g.Id == "grp_upgrade");
            Assert.Equal(("kept-at-upgrade", $"created at {migration}", Then, Then), (group.Name, group.Description, group.CreatedAt, group.UpdatedAt));
            Assert.Equal(["tasks.read"], group.Permissions);
            var job = await session.Db.Jobs.AsNoTracking().SingleAsync(j => j.Id == "job_upgrade");
            Assert.Equal(["adp_second", "adp_first", "adp_third"], job.Destinations.Select(d => d.AdapterId));
            Assert.Equal([2, 7, 30], job.Destinations.Select(d => d.Retention));
            await SampleConfiguration.SeedAsync(session);
        }
    }
}
