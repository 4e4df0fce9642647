using System.Text.Json.Nodes;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Application;

/// <summary>
/// A backup as validation found it, for people and scripts: how it was opened, what it holds, what it will
/// lack. Never the document itself — that holds the backup's secrets.
/// </summary>
public sealed record BackupSummary(
    bool Encrypted,
    string? KeyFingerprint,
    string? OpenedWith,
    int SchemaVersion,
    string? ExportedAt,
    bool IncludeSecrets,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> NeedsSecret)
{
    internal static BackupSummary Of(OpenedBackup source, ImportPlan plan) => new(
        source.Encrypted,
        source.KeyFingerprint,
        source.KeySource,
        plan.Document.OriginalSchemaVersion,
        plan.Document.ExportedAt,
        plan.Document.IncludeSecrets,
        plan.Counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, int>)c.Value.Where(v => v.Value > 0).ToDictionary()),
        plan.Warnings,
        [.. plan.NeedsSecret]);
}

/// <summary>One changed field of a plan entry; a secret shows only that it changes (<see cref="Old"/> and <see cref="New"/> null).</summary>
public sealed record FieldChangeView(string Field, JsonNode? Old, JsonNode? New, bool Secret);

/// <summary>One line of a plan (docs/recovery.md, "Plan first").</summary>
public sealed record PlanEntryView(string Area, string Id, string? BackupId, string Key, PlanAction Action, IReadOnlyList<FieldChangeView> Changes, string? Reason, IReadOnlyList<string> NeedsSecret)
{
    /// <summary>The entry's changes and reason in one line, for tables.</summary>
    public string Details => Changes.Count == 0 ? Reason ?? "" : string.Join("; ", Changes.Select(c => c.Secret ? $"{c.Field}: changed" : $"{c.Field}: {c.Old?.ToJsonString() ?? "null"} → {c.New?.ToJsonString() ?? "null"}").Append(Reason).OfType<string>());
}

/// <summary>
/// A plan as front ends show it: its mode and scope, its entries, and its digest — the value that applies
/// exactly this plan, or is refused as stale (docs/recovery.md, "Import sessions").
/// </summary>
public sealed record PlanView(ImportMode Mode, IReadOnlyList<string>? Areas, IReadOnlyList<string>? Ids, string Digest, IReadOnlyList<PlanEntryView> Entries)
{
    internal static PlanView Of(ImportPlan plan) => new(
        plan.Options.Mode,
        plan.Options.Areas,
        plan.Options.Ids,
        plan.Digest,
        new PlanEntryViews(plan.Entries));
}

/// <summary>What validating a backup found: it opens, its version is known, it is well-formed, and it does not clash.</summary>
public sealed record ValidationOutcome(BackupSummary Backup, bool Valid = true);

/// <summary>What an import planned and did; a dry run applies nothing and has no safety snapshot.</summary>
public sealed record ImportOutcome(BackupSummary Backup, PlanView Plan, bool Applied, string? SafetySnapshot);
