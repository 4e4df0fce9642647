namespace MetaBackup.Cli;

/// <summary>
/// What an interrupted command leaves, in one sentence per command (docs/exit-codes.md). Every change
/// MetaBackup makes is one transaction and every file is written under a temporary name, so the answer
/// is "nothing" for most; the few that do several things say which of them stay.
/// </summary>
public static class Interrupted
{
    private static readonly Dictionary<string, string> Kept = new(StringComparer.Ordinal)
    {
        ["init"] = "no database was created (a generated system.key may remain; the next `init` uses it).",
        ["import"] = "nothing was imported; the configuration is exactly as it was.",
        ["export"] = "no backup file was written.",
        ["recover"] = "no output file was written.",
        ["tasks config-backup run"] = "the run is recorded as interrupted and nothing it uploaded was kept.",
        ["system-key rotate"] = "if the rotation had not committed, the old key is still in force; if it had, the new one is (`metabackup system-key show` says which).",
        ["profiles create"] = "if the profile was created, `metabackup profiles list` shows it; write its Recovery Kit with `metabackup profiles recovery-kit`.",
    };

    public static string WhatWasKept(string command) =>
        Kept.GetValueOrDefault(command, "nothing it had not finished was kept; the configuration is as it was, or as the last change that completed left it.");
}
