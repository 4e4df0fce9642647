using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaBackup.Core.Storage;

/// <summary>
/// The small <c>&lt;file&gt;.meta.json</c> written beside each backup in a destination, so that
/// `backups list` can describe backups without opening them. It never holds a secret, and losing it
/// never prevents a restore: the backup file is self-contained.
/// </summary>
public sealed record BackupSidecar(
    string File,
    DateTimeOffset ExportedAt,
    long Size,
    string Sha256,
    bool Encrypted,
    string? ProfileName,
    string? ProfileFingerprint,
    bool IncludeSecrets,
    string Compression,
    int SchemaVersion,
    string AppVersion,
    string Source)
{
    public const string Suffix = ".meta.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static string NameFor(string backupFile) => backupFile + Suffix;

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static BackupSidecar? TryParse(Stream stream)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupSidecar>(stream, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
