namespace MetaBackup.Core.Import;

/// <summary>What an import did (or, for a dry run, would do).</summary>
/// <param name="Plan">The plan that was applied: every record and what happened to it.</param>
/// <param name="Applied">False for a dry run.</param>
/// <param name="SafetySnapshot">The snapshot of the configuration taken before applying; importing it rolls the import back.</param>
/// <param name="Source">How the backup was opened.</param>
public sealed record ImportResult(ImportPlan Plan, bool Applied, string? SafetySnapshot, OpenedBackup Source);
