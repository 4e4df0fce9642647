using MetaBackup.Core.Export;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Imports that run at the same time on one data directory (issue 8.3): each plans inside the write
/// transaction it applies in, so a plan is never applied to a state other than the one it was made from.
/// </summary>
public sealed class ImportConcurrencyTests : IDisposable
{
    private readonly TestStore _source = new(TestKeys.A);
    private readonly TestStore _extra = new(TestKeys.A);
    private readonly TestStore _target = new(TestKeys.B);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _source.Dispose();
        _extra.Dispose();
        _target.Dispose();
        _files.Dispose();
    }

    /// <summary>
    /// The merge import C is applying when the full import B starts. B must see C's records (and delete
    /// them, since they are not in B): afterwards the configuration is B's. Before the fix B planned at
    /// once, outside any transaction, and applied that stale plan after C committed: C's records stayed.
    /// </summary>
    [Fact]
    public async Task A_full_import_started_while_a_merge_import_applies_ends_with_exactly_the_full_backup()
    {
        var (full, key, expected) = await FullBackupAsync();
        var merge = await ExtraGroupsBackupAsync(200);
        await using (var target = await _target.InitializeAndOpenAsync())
        {
            await Importer(target).ImportConfigAsync(full, new ImportOptions(ImportMode.Full), key);
        }

        var (_, fullResult) = await RaceAsync((merge, new ImportOptions(ImportMode.Merge), null), (full, new ImportOptions(ImportMode.Full), key));

        var fullPlan = fullResult.Plan;
        Assert.Equal(200, fullPlan.Entries.Count(e => e.Action == PlanAction.Delete && e.Key.StartsWith("extra-", StringComparison.Ordinal)));
        await using var after = await _target.OpenAsync();
        Assert.Equal(expected, await ConfigurationText.OfAsync(after));
    }

    /// <summary>
    /// Two full imports at once, the second planned while the first applies: before the fix the second
    /// applied its stale plan — deleting records the first had already deleted — and failed with a raw
    /// DbUpdateConcurrencyException. Now it waits its turn, plans on the first one's result, and wins.
    /// </summary>
    [Fact]
    public async Task Two_full_imports_at_once_take_turns_and_the_last_one_wins()
    {
        var (full, key, _) = await FullBackupAsync();
        var first = await ExtraGroupsBackupAsync(300, "extra");
        using var otherStore = new TestStore(TestKeys.A);
        var second = await GroupsBackupAsync(otherStore, 50, "more");
        await using (var target = await _target.InitializeAndOpenAsync())
        {
            await Importer(target).ImportConfigAsync(full, new ImportOptions(ImportMode.Full), key);
        }

        await RaceAsync((first, new ImportOptions(ImportMode.Full), null), (second, new ImportOptions(ImportMode.Full), null));

        await using var after = await _target.OpenAsync();
        var groups = await after.Db.Groups.Select(g => g.Name).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"more-{i:D4}"), groups.Order(StringComparer.Ordinal));
        Assert.Empty(after.Db.Adapters);
    }

    private ConfigImporter Importer(Core.Persistence.ConfigurationSession session) => new(session, _target.DataDirectory);

    /// <summary>
    /// Runs import <paramref name="first"/> and, while it applies (its transaction open, held until the other
    /// has validated and had a second to plan), import <paramref name="second"/>, each in a session of its own.
    /// </summary>
    private async Task<(ImportResult First, ImportResult Second)> RaceAsync((string Path, ImportOptions Options, AesKey? Key) first, (string Path, ImportOptions Options, AesKey? Key) second)
    {
        var secondValidated = new TaskCompletionSource();
        var firstApplying = new TaskCompletionSource();
        await using var firstSession = await _target.OpenAsync();
        await using var secondSession = await _target.OpenAsync();
        var firstImport = Task.Run(() => Importer(firstSession).ImportConfigAsync(first.Path, first.Options, first.Key, step =>
        {
            if (step == "applying")
            {
                firstApplying.SetResult();
                secondValidated.Task.Wait(TimeSpan.FromSeconds(30));
                Thread.Sleep(1000);
            }
        }));
        await firstApplying.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var secondImport = Task.Run(() => Importer(secondSession).ImportConfigAsync(second.Path, second.Options, second.Key, step =>
        {
            if (step == "validated")
            {
                secondValidated.TrySetResult();
            }
        }));

        return (await firstImport, await secondImport);
    }

    private async Task<(string Path, AesKey Key, string Expected)> FullBackupAsync()
    {
        await using var session = await _source.InitializeAndOpenAsync();
        var secrets = await SampleConfiguration.SeedAsync(session);
        var export = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(true, "offsite"), _files.Path);
        return (export.Path!, AesKey.FromHex(secrets["encryptionProfiles.key"], "kit"), await ConfigurationText.OfAsync(session));
    }

    private Task<string> ExtraGroupsBackupAsync(int count, string prefix = "extra") => GroupsBackupAsync(_extra, count, prefix);

    /// <summary>A plain backup holding only <paramref name="count"/> groups named PREFIX-NNNN.</summary>
    private async Task<string> GroupsBackupAsync(TestStore store, int count, string prefix)
    {
        await using var session = await store.InitializeAndOpenAsync();
        for (var i = 0; i < count; i++)
        {
            session.Db.Groups.Add(new Group { Name = $"{prefix}-{i:D4}", Permissions = ["jobs.read"] });
        }

        await session.Db.SaveChangesAsync();
        return (await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _files.Combine($"{prefix}.json.gz"))).Path!;
    }
}
