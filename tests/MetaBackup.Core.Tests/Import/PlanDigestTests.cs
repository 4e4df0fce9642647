using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// A plan's digest is written by hand, the compact entries from their bytes (<see cref="PlanDigest"/>); it must stay the
/// SHA-256 of exactly what the serializer writes for the plan's shape, as digests were made before — an import session
/// planned before an upgrade is applied after it with the digest it was shown.
/// </summary>
public sealed class PlanDigestTests
{
    private static readonly PlanEntry[] Samples =
    [
        new("groups", RecordIds.New(), null, "ops", PlanAction.Create, [], null, []),
        new("users", "id-2", "id-2", "zoë@example.com", PlanAction.Unchanged, [], null, []),
        new("adapters", "Zürich 日本 🗄️ <b>&'+\"\\", "Zürich 日本 🗄️ <b>&'+\"\\", "database/x", PlanAction.Create, [], null, []),
        new("jobs", "id-4", null, "nightly", PlanAction.Delete, [], null, []),
        new("jobs", "id-5", null, "weekly", PlanAction.Delete, [], "not in the backup (full mode)", []),
        new("groups", "stored-6", "backup-6", "dev", PlanAction.Update, [new FieldChange("description", JsonValue.Create("a <b>"), JsonValue.Create("ü")), new FieldChange("password", null, null, Secret: true)], "matched the existing group", []),
        new("adapters", "id-7", "id-7", "storage/s3", PlanAction.Create, [], null, ["config.secretKey", "config.token"]),
        new("settings", "id-8", "id-8", "", PlanAction.Skip, [], "it breaks a rule", []),
        new("apiKeys", "", "", "", PlanAction.Create, [], null, []),
        new("users", "\u0001\u001f\u007f", null, "control characters", PlanAction.Unchanged, [], null, []),
    ];

    public static TheoryData<ImportOptions> Options() =>
    [
        new ImportOptions(ImportMode.Full),
        new ImportOptions(ImportMode.Merge, DryRun: true),
        new ImportOptions(ImportMode.Selective, ["groups", "jobs"], ["id-4", "ü<&>"]),
    ];

    [Theory]
    [MemberData(nameof(Options))]
    public void The_digest_is_the_hash_of_what_the_serializer_writes_for_the_plan_whether_entries_are_compact_or_whole(ImportOptions options)
    {
        var added = Enumerable.Range(0, 3_000).SelectMany(i => Samples.Select(s => i == 0 ? s : s with { Id = s.Id + i, BackupId = s.BackupId is null ? null : s.BackupId == s.Id ? s.Id + i : s.BackupId }))
            .Append(Samples[0] with { Id = RecordIds.New() is var id ? id : "", BackupId = id })
            .ToList();
        var entries = new PlanEntries(added.Count);
        foreach (var entry in added)
        {
            entries.Add(entry);
        }

        Assert.Equal(SerializersDigest(options, added), PlanDigest.Of(options, entries));
    }

    [Fact]
    public void Plans_that_differ_in_any_entry_have_different_digests()
    {
        var entries = new PlanEntries();
        var changed = new PlanEntries();
        foreach (var (sample, i) in Samples.Select((s, i) => (s, i)))
        {
            entries.Add(sample);
            changed.Add(i == 3 ? sample with { Action = PlanAction.Unchanged } : sample);
        }

        var options = new ImportOptions(ImportMode.Full);
        Assert.NotEqual(PlanDigest.Of(options, entries), PlanDigest.Of(options, changed));
        Assert.NotEqual(PlanDigest.Of(options, entries), PlanDigest.Of(options with { Mode = ImportMode.Merge }, entries));
    }

    /// <summary>How the digest was made before it was written by hand: the serializer over the plan's shape.</summary>
    private static string SerializersDigest(ImportOptions options, IEnumerable<PlanEntry> entries)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            options.Mode,
            options.Areas,
            options.Ids,
            Entries = entries.Select(e => new { e.Area, e.Id, e.BackupId, e.Action, Changes = e.Changes.Select(c => c.ToString()), e.Reason, e.NeedsSecret }),
        });
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(json));
    }
}
