using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data;
using MetaBackup.Data.Sqlite;
using MetaBackup.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The CLI compiles EF Core's query pipeline on a second thread while a command starts (docs/performance.md,
/// "Start-up"); it must work on its own and leave nothing behind, since nobody sees it fail. Alone in its collection:
/// its tests empty and count EF Core's query cache, which every test on SQLite shares.
/// </summary>
[Collection(nameof(QueryPipelineWarmUpTests))]
public sealed class QueryPipelineWarmUpTests
{
    [Fact]
    public void The_warm_up_translates_a_query_against_an_in_memory_database_and_creates_no_file()
    {
        var directory = Environment.CurrentDirectory;
        var before = Directory.GetFiles(directory, "*memory*");

        DatabaseProviders.WarmUpQueryPipeline(_ => null);
        DatabaseProviders.WarmUpQueryPipeline(name => name == DatabaseSetting.Variable ? "sqlite:/nowhere/metabackup.db" : null);

        Assert.Equal(before, Directory.GetFiles(directory, "*memory*"));
        Assert.False(Directory.Exists("/nowhere"));
    }

    [Fact]
    public async Task The_warm_up_leaves_the_first_query_of_a_command_and_the_reads_of_whole_areas_compiled_in_the_cache_a_command_shares()
    {
        using var directory = new TempDirectory();
        // A command's context: another database file, the same options otherwise, so the same EF Core services and cache.
        await using var db = new ConfigurationDbContext(new SqliteDatabaseProvider(directory.Combine("metabackup.db")).ContextOptions);
        var cache = (MemoryCache)db.GetService<IMemoryCache>();
        // Emptied first: what earlier tests compiled must not pass for the warm-up's work.
        cache.Clear();
        DatabaseProviders.WarmUpQueryPipeline(_ => null);
        var compiled = cache.Count;

        await Assert.ThrowsAsync<SqliteException>(() => db.ReadKeyFingerprintAsync());
        foreach (var area in ConfigurationAreas.All)
        {
            foreach (var byId in (bool[])[true, false])
            {
                // As the store reads an area on SQLite (SqliteDatabaseProvider.Stream): synchronously.
                Assert.Throws<SqliteException>(() => db.RecordsToRead(area, byId).AsEnumerable().First());
            }
        }

        Assert.True(compiled >= 1 + (2 * ConfigurationAreas.All.Count), $"{compiled} queries compiled");
        Assert.Equal(compiled, cache.Count);
    }
}

[CollectionDefinition(nameof(QueryPipelineWarmUpTests), DisableParallelization = true)]
public sealed class QueryPipelineWarmUpCollection;
