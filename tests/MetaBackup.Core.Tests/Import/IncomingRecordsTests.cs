using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import;

/// <summary>How an import turns a backup's records into the records it stores (<see cref="IncomingRecords"/>).</summary>
public sealed class IncomingRecordsTests
{
    [Fact]
    public void The_contract_of_every_area_s_record_is_made_ahead_of_planning()
    {
        // A record of each area written and read back as the planner reads one: an area whose record cannot be fails
        // here, rather than leave the first import's plan to make that contract itself (docs/performance.md, "Start-up").
        var made = IncomingRecords.MakeContracts();

        Assert.Equal(ConfigurationAreas.All.Select(a => a.EntityType), made);
    }
}
