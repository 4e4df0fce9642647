using MetaBackup.Format;

namespace MetaBackup.Core.Export;

/// <summary>What triggered an export; recorded in the document's metadata.</summary>
public enum ExportSource
{
    Manual,
    Scheduled,
}

/// <summary>
/// How to export (docs/cli.md, "export"). <see cref="IncludeSecrets"/> requires <see cref="EncryptionProfile"/>:
/// secrets never leave unencrypted, whatever the entry point.
/// </summary>
/// <param name="IncludeSecrets">Export secret values; otherwise every set secret becomes "".</param>
/// <param name="EncryptionProfile">The profile (id, name or fingerprint) to encrypt with; null for a plain export.</param>
/// <param name="Compression">none, gzip or brotli.</param>
/// <param name="Source">manual or scheduled.</param>
/// <param name="ContinueOnSecretErrors">Export even if a stored secret cannot be decrypted, naming it in the warnings, instead of failing.</param>
public sealed record ExportOptions(
    bool IncludeSecrets = false,
    string? EncryptionProfile = null,
    BackupCompression Compression = BackupCompression.Gzip,
    ExportSource Source = ExportSource.Manual,
    bool ContinueOnSecretErrors = false);
