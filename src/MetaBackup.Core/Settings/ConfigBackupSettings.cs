using Cronos;
using MetaBackup.Core.Configuration;
using MetaBackup.Format;

namespace MetaBackup.Core.Settings;

/// <summary>
/// The Configuration Backup system task's settings (PRODUCT §7), read with their defaults:
/// disabled, daily at 03:00 in <c>system.timezone</c> (UTC), gzip, keep the newest 10, no secrets.
/// </summary>
public sealed record ConfigBackupSettings(
    bool Enabled,
    string Schedule,
    string? StorageId,
    string? EncryptionProfileId,
    bool IncludeSecrets,
    BackupCompression Compression,
    int Retention,
    TimeZoneInfo TimeZone)
{
    public const string DefaultSchedule = "0 3 * * *";
    public const int DefaultRetention = 10;

    public CronExpression Cron => CronExpression.Parse(Schedule, CronFormat.Standard);

    public static ConfigBackupSettings From(IReadOnlyDictionary<string, string> values)
    {
        string? Value(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        return new ConfigBackupSettings(
            Value(SettingKeys.ConfigBackupEnabled) is { } enabled && bool.Parse(enabled),
            Value(SettingKeys.ConfigBackupSchedule) ?? DefaultSchedule,
            Value(SettingKeys.ConfigBackupStorageId),
            Value(SettingKeys.ConfigBackupEncryptionProfileId),
            Value(SettingKeys.ConfigBackupIncludeSecrets) is { } include && bool.Parse(include),
            Value(SettingKeys.ConfigBackupCompression) is { } compression && Compressions.TryParse(compression, out var parsed) ? parsed : BackupCompression.Gzip,
            Value(SettingKeys.ConfigBackupRetention) is { } retention ? int.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) : DefaultRetention,
            Value(SettingKeys.SystemTimezone) is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Utc);
    }
}
