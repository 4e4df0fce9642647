using System.Globalization;
using MetaBackup.Format;

namespace MetaBackup.Core.Export;

/// <summary>
/// Backup file names (docs/cli.md, "export"): <c>config_backup_&lt;timestamp&gt;.json[.gz|.br][.enc]</c>, the
/// timestamp ISO-8601 UTC with ':' and '.' replaced by '-', e.g. <c>config_backup_2026-01-31T10-00-00-000Z.json.gz.enc</c>.
/// </summary>
public static class BackupFileName
{
    public const string Prefix = "config_backup_";

    /// <summary>The prefix of the safety snapshots an import writes into the data directory.</summary>
    public const string SnapshotPrefix = "pre-import_";

    public static string For(DateTimeOffset at, BackupCompression compression, bool encrypted, string prefix = Prefix) =>
        prefix
        + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture)
        + ".json" + Compressions.Extension(compression) + (encrypted ? ".enc" : "");

    /// <summary>The compression and encryption a file name announces, or null if it is not a backup name.</summary>
    public static (BackupCompression Compression, bool Encrypted)? Parse(string fileName)
    {
        var name = Path.GetFileName(fileName);
        var encrypted = name.EndsWith(".enc", StringComparison.Ordinal);
        var rest = encrypted ? name[..^4] : name;
        return rest switch
        {
            _ when rest.EndsWith(".json.gz", StringComparison.Ordinal) => (BackupCompression.Gzip, encrypted),
            _ when rest.EndsWith(".json.br", StringComparison.Ordinal) => (BackupCompression.Brotli, encrypted),
            _ when rest.EndsWith(".json", StringComparison.Ordinal) => (BackupCompression.None, encrypted),
            _ => null,
        };
    }
}
