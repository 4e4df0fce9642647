namespace MetaBackup.Core.Export;

/// <summary>What an export wrote.</summary>
/// <param name="FileName">The conventional file name for this export (config_backup_….json[.gz|.br][.enc]).</param>
/// <param name="ExportedAt">The export's time, as in the document's metadata.</param>
/// <param name="IncludeSecrets">Whether secret values are in the document.</param>
/// <param name="Encrypted">Whether the file is encrypted.</param>
/// <param name="ProfileName">The Encryption Profile used, if any.</param>
/// <param name="ProfileFingerprint">The fingerprint of the key that opens the file, if encrypted.</param>
/// <param name="Counts">Records per area.</param>
/// <param name="Warnings">Problems the export carried on past (also in the document's metadata).</param>
public sealed record ExportResult(
    string FileName,
    DateTimeOffset ExportedAt,
    bool IncludeSecrets,
    bool Encrypted,
    string? ProfileName,
    string? ProfileFingerprint,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Where the file was written, when it was written to a file.</summary>
    public string? Path { get; init; }

    /// <summary>The file's size in bytes, when it was written to a file.</summary>
    public long? Bytes { get; init; }
}
