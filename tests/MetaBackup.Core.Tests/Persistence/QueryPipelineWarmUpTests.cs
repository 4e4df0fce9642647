using MetaBackup.Core.Persistence;
using MetaBackup.Data;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The CLI compiles EF Core's query pipeline on a second thread while a command starts (docs/performance.md,
/// "Start-up"); it must work on its own and leave nothing behind, since nobody sees it fail.
/// </summary>
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
}
