namespace MetaBackup.Core.Import;

/// <summary>How an import treats what the database already holds (docs/recovery.md, "Modes").</summary>
public enum ImportMode
{
    /// <summary>Afterwards the configuration equals the backup's; records absent from it are deleted.</summary>
    Full,

    /// <summary>Add missing records, update existing ones, delete nothing.</summary>
    Merge,

    /// <summary>Only the chosen areas (and, optionally, records), with merge semantics.</summary>
    Selective,
}

/// <summary>What to import and how.</summary>
/// <param name="Mode">full, merge or selective.</param>
/// <param name="Areas">For selective: the areas to import (JSON names, e.g. adapters, jobs).</param>
/// <param name="Ids">For selective: only these record ids (of the backup) within those areas.</param>
/// <param name="DryRun">Plan only: change nothing.</param>
public sealed record ImportOptions(ImportMode Mode, IReadOnlyList<string>? Areas = null, IReadOnlyList<string>? Ids = null, bool DryRun = false);
