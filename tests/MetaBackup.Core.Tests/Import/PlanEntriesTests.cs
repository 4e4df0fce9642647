using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// A plan keeps most of its entries as compact rows and their text as UTF-8 (<see cref="PlanEntries"/>,
/// docs/performance.md, "Import"): every entry read back must equal the one added, whatever it holds.
/// </summary>
public sealed class PlanEntriesTests
{
    private static readonly PlanEntry[] Samples =
    [
        new("groups", "7d9f0c1e-1111-4c3a-9d2e-000000000001", "7d9f0c1e-1111-4c3a-9d2e-000000000001", "ops", PlanAction.Create, [], null, []),
        new("users", "id-2", "id-2", "zoë@example.com", PlanAction.Unchanged, [], null, []),
        new("adapters", "id-3", "id-3", "database/Zürich 日本 🗄️", PlanAction.Create, [], null, []),
        new("jobs", "id-4", null, "nightly", PlanAction.Delete, [], null, []),
        new("jobs", "id-5", null, "weekly", PlanAction.Delete, [], "not in the backup (full mode)", []),
        new("groups", "stored-6", "backup-6", "dev", PlanAction.Update, [new FieldChange("description", JsonValue.Create("a"), JsonValue.Create("b"))], "matched the existing group", []),
        new("adapters", "id-7", "id-7", "storage/s3", PlanAction.Create, [], null, ["config.secretKey"]),
        new("settings", "id-8", "id-8", "", PlanAction.Skip, [], "it breaks a rule", []),
        new("groups", "id-9", "id-9", "lone \ud800 surrogate", PlanAction.Create, [], null, []),
        new("groups", "id-10", "id-10", new string('k', 200_000), PlanAction.Create, [], null, []),
        new("apiKeys", "", "", "", PlanAction.Create, [], null, []),
    ];

    [Fact]
    public void Every_entry_reads_back_as_it_was_added_across_many_blocks()
    {
        var entries = new PlanEntries();
        var added = Enumerable.Range(0, 5_000).SelectMany(i => Samples.Select(s => s with { Id = s.Id + i, BackupId = s.BackupId is null ? null : s.BackupId + i })).ToList();
        foreach (var entry in added)
        {
            entries.Add(entry);
        }

        Assert.Equal(added.Count, entries.Count);
        for (var i = 0; i < added.Count; i++)
        {
            AssertSame(added[i], entries[i]);
        }

        Assert.Equal(added.Count, entries.Count());
        AssertSame(added[^1], entries.Last());
        Assert.Equal(added.Select(e => (e.Area, e.Action)), entries.Kinds());
    }

    [Fact]
    public void Ids_as_MetaBackup_writes_them_and_ids_that_only_look_like_them_read_back_exactly()
    {
        var guid = RecordIds.New();
        var added = Enumerable.Range(0, 20_000).Select(i => new PlanEntry("users", RecordIds.New(), i % 2 == 0 ? null : "", $"user{i}@example.com", PlanAction.Create, [], null, []))
            .Select(e => e with { BackupId = e.BackupId is null ? null : e.Id })
            .Concat([
                new PlanEntry("users", guid.ToUpperInvariant(), guid.ToUpperInvariant(), "upper-case hex", PlanAction.Create, [], null, []),
                new PlanEntry("users", Guid.Parse(guid).ToString("D"), null, "with dashes", PlanAction.Unchanged, [], null, []),
                new PlanEntry("users", $"{guid[..31]}g", null, "not hex", PlanAction.Unchanged, [], null, []),
                new PlanEntry("users", $"{guid}0", null, "33 digits", PlanAction.Unchanged, [], null, []),
                new PlanEntry("users", guid, guid, new string('k', ushort.MaxValue - 16 - sizeof(ushort)), PlanAction.Create, [], null, []),
                new PlanEntry("users", guid, guid, new string('k', ushort.MaxValue - 16 - sizeof(ushort) + 1), PlanAction.Create, [], null, []),
                new PlanEntry("users", new string('i', ushort.MaxValue), null, "", PlanAction.Create, [], null, []),
            ]).ToList();
        var entries = new PlanEntries(added.Count);
        foreach (var entry in added)
        {
            entries.Add(entry);
        }

        for (var i = 0; i < added.Count; i++)
        {
            AssertSame(added[i], entries[i]);
        }
    }

    [Fact]
    public void An_entry_set_again_replaces_the_one_there_whether_compact_or_whole()
    {
        var entries = new PlanEntries();
        foreach (var sample in Samples)
        {
            entries.Add(sample);
        }

        entries[0] = Samples[5];
        entries[5] = Samples[0] with { Action = PlanAction.Skip };

        AssertSame(Samples[5], entries[0]);
        AssertSame(Samples[0] with { Action = PlanAction.Skip }, entries[5]);
        AssertSame(Samples[1], entries[1]);
    }

    [Fact]
    public void Sorting_orders_by_rank_and_keeps_the_order_of_entries_of_equal_rank()
    {
        var entries = new PlanEntries();
        foreach (var sample in Samples)
        {
            entries.Add(sample);
        }

        entries.SortBy(3, (area, action) => action == PlanAction.Delete ? 0 : area == "groups" ? 1 : 2);

        var expected = Samples.Where(s => s.Action == PlanAction.Delete)
            .Concat(Samples.Where(s => s.Action != PlanAction.Delete && s.Area == "groups"))
            .Concat(Samples.Where(s => s.Action != PlanAction.Delete && s.Area != "groups")).ToList();
        Assert.Equal(expected.Count, entries.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSame(expected[i], entries[i]);
        }
    }

    private static void AssertSame(PlanEntry expected, PlanEntry actual)
    {
        Assert.Equal(expected.Area, actual.Area);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.BackupId, actual.BackupId);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Action, actual.Action);
        Assert.Equal(expected.Reason, actual.Reason);
        Assert.Equal(expected.Changes.Select(c => c.ToString()), actual.Changes.Select(c => c.ToString()));
        Assert.Equal(expected.NeedsSecret, actual.NeedsSecret);
    }
}
