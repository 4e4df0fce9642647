using MetaBackup.Core.Export;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Import;
using MetaBackup.Core.Users;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Ids are unique within an area, not across areas: a group and a user may share one. The planner reads the stored
/// records a batch at a time (docs/performance.md, "Importing onto the same records"); each must meet its own record.
/// </summary>
public sealed class SharedIdImportTests : IDisposable
{
    private readonly TestStore _store = new(TestKeys.A);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_group_and_a_user_of_one_id_imported_onto_themselves_are_each_unchanged()
    {
        await using var session = await _store.InitializeAndOpenAsync();
        var group = await new GroupsService(session).AddAsync("ops", null, []);
        var user = await new UsersService(session).AddAsync(new UserInput("ann@example.com", "Ann"), null);
        await session.Db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Id, group.Id));
        session.Db.ChangeTracker.Clear();
        var backup = (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _files.Path)).Path!;
        var before = await ConfigurationText.OfAsync(session);

        var result = await new ConfigImporter(session, _store.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);

        Assert.All(result.Plan.Entries, e => Assert.Equal(PlanAction.Unchanged, e.Action));
        Assert.Contains(result.Plan.Entries, e => e.Area == "groups" && e.Id == group.Id);
        Assert.Contains(result.Plan.Entries, e => e.Area == "users" && e.Id == group.Id);
        session.Db.ChangeTracker.Clear();
        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }
}
