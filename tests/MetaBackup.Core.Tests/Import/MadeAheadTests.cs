using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>What an import builds ahead of its first record, on the other core (<see cref="MadeAhead"/>).</summary>
public sealed class MadeAheadTests
{
    [Fact]
    public async Task The_schemas_of_the_current_version_are_built_ahead_of_validation()
    {
        MadeAhead.Start(insertingInto: null);
        await MadeAhead.Made;

        Assert.True(DocumentSchema.IsPrepared(ExportDocument.SchemaVersion));
        Assert.All(ConfigurationAreas.All, area => Assert.True(DocumentSchema.IsCompiled(area.Name, ExportDocument.SchemaVersion)));
    }

    [Fact]
    public void The_contract_of_every_area_s_record_is_made_ahead_of_planning()
    {
        // A record of each area written and read back as the planner reads one: an area whose record cannot be fails
        // here, rather than leave the first import's plan to make that contract itself (docs/performance.md, "Start-up").
        var made = IncomingRecords.MakeContracts();

        Assert.Equal(ConfigurationAreas.All.Select(a => a.EntityType), made);
    }

    [Fact]
    public async Task An_import_that_inserts_has_the_getters_of_its_inserts_made_ahead()
    {
        // Which getters an inserter reads with is RecordInserterTests' to check; here, that an import asks for them.
        using var store = new TestStore();
        await using var session = await store.InitializeAndOpenAsync();

        MadeAhead.Start(session.Db.Model);
        await MadeAhead.Made;

        Assert.NotNull(MadeAhead.GettersMade);
        Assert.NotEmpty(MadeAhead.GettersMade);
    }
}
