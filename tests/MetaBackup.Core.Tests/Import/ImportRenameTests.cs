using MetaBackup.Core.Export;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Import;
using MetaBackup.Core.Users;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Records renamed since the backup was taken: applying it must give every record its backup name
/// even when those names are held, at that moment, by other records of the same import.
/// </summary>
public sealed class ImportRenameTests : IDisposable
{
    private readonly TestStore _store = new(TestKeys.A);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Two_records_that_swapped_names_since_the_backup_get_their_backup_names_back()
    {
        await using var session = await _store.InitializeAndOpenAsync();
        var groups = new GroupsService(session);
        var alpha = await groups.AddAsync("alpha", null, []);
        var beta = await groups.AddAsync("beta", null, []);
        var users = new UsersService(session);
        var ann = await users.AddAsync(new UserInput("ann@example.com", "Ann", "alpha"), null);
        var bob = await users.AddAsync(new UserInput("bob@example.com", "Bob", "beta"), null);
        var backup = (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _files.Path)).Path!;
        var before = await ConfigurationText.OfAsync(session);

        await groups.UpdateAsync("alpha", "swap", null, null);
        await groups.UpdateAsync("beta", "alpha", null, null);
        await groups.UpdateAsync("swap", "beta", null, null);
        await users.UpdateAsync("ann@example.com", new UserInput(Email: "swap@example.com"), null);
        await users.UpdateAsync("bob@example.com", new UserInput(Email: "ann@example.com"), null);
        await users.UpdateAsync("swap@example.com", new UserInput(Email: "bob@example.com"), null);
        session.Db.ChangeTracker.Clear();

        var result = await new ConfigImporter(session, _store.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), null);

        Assert.True(result.Applied);
        Assert.Equal(4, result.Plan.Entries.Count(e => e.Action == PlanAction.Update));
        session.Db.ChangeTracker.Clear();
        Assert.Equal("alpha", (await session.Db.Groups.SingleAsync(g => g.Id == alpha.Id)).Name);
        Assert.Equal("beta", (await session.Db.Groups.SingleAsync(g => g.Id == beta.Id)).Name);
        Assert.Equal("ann@example.com", (await session.Db.Users.SingleAsync(u => u.Id == ann.Id)).Email);
        Assert.Equal("bob@example.com", (await session.Db.Users.SingleAsync(u => u.Id == bob.Id)).Email);
        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }

    [Fact]
    public async Task A_new_record_may_take_the_name_that_a_record_of_the_same_import_gives_up()
    {
        await using var session = await _store.InitializeAndOpenAsync();
        var groups = new GroupsService(session);
        var first = await groups.AddAsync("alpha", null, []);
        await groups.UpdateAsync("alpha", "beta", null, null);
        var second = await groups.AddAsync("alpha", null, []);
        var backup = (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _files.Path)).Path!;
        var before = await ConfigurationText.OfAsync(session);
        await groups.RemoveAsync(second.Id);
        await groups.UpdateAsync("beta", "alpha", null, null);
        session.Db.ChangeTracker.Clear();

        var result = await new ConfigImporter(session, _store.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Merge), null);

        Assert.True(result.Applied);
        Assert.Equal(["groups alpha Create", "groups beta Update"], result.Plan.Entries.Select(e => $"{e.Area} {e.Key} {e.Action}").Order());
        session.Db.ChangeTracker.Clear();
        Assert.Equal("beta", (await session.Db.Groups.SingleAsync(g => g.Id == first.Id)).Name);
        Assert.Equal("alpha", (await session.Db.Groups.SingleAsync(g => g.Id == second.Id)).Name);
        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }

    /// <summary>
    /// Deletions run last (after the updates that stop using what they delete), so a record the import
    /// creates may take a name that a record it deletes still holds: here a profile named like the backup's
    /// but holding another key, so matched by neither id nor fingerprint.
    /// </summary>
    [Fact]
    public async Task A_created_record_may_take_the_name_of_a_record_the_same_full_import_deletes()
    {
        await using var session = await _store.InitializeAndOpenAsync();
        var vault = new Core.Vault.VaultService(session);
        await vault.CreateAsync("offsite", "the key in the backup");
        var backup = (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(true, "offsite"), _files.Path)).Path!;
        var kit = vault.KeyOf(await vault.FindAsync("offsite"));
        var before = await ConfigurationText.OfAsync(session);
        await vault.DeleteAsync("offsite", force: true);
        await vault.CreateAsync("offsite", "another key, same name");
        session.Db.ChangeTracker.Clear();

        var result = await new ConfigImporter(session, _store.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), kit);

        Assert.Equal([PlanAction.Create, PlanAction.Delete], result.Plan.Entries.Where(e => e.Area == "encryptionProfiles").Select(e => e.Action));
        session.Db.ChangeTracker.Clear();
        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }

    /// <summary>A merge keeps what the backup does not hold: a record it renames onto the name of one of those is refused, naming both.</summary>
    [Fact]
    public async Task A_merge_that_would_give_a_kept_record_s_name_to_another_is_refused_naming_both()
    {
        await using var session = await _store.InitializeAndOpenAsync();
        var groups = new GroupsService(session);
        var alpha = await groups.AddAsync("alpha", null, []);
        var backup = (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _files.Path)).Path!;
        await groups.UpdateAsync("alpha", "renamed", null, null);
        var newcomer = await groups.AddAsync("alpha", null, []);
        session.Db.ChangeTracker.Clear();
        var before = await ConfigurationText.OfAsync(session);

        var refusal = await Assert.ThrowsAsync<ImportRefusedException>(() => new ConfigImporter(session, _store.DataDirectory).ImportConfigAsync(backup, new ImportOptions(ImportMode.Merge), null));

        Assert.Contains($"groups: after the import, {newcomer.Id} and {alpha.Id} would share the name 'alpha'", refusal.Problems);
        session.Db.ChangeTracker.Clear();
        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }
}
