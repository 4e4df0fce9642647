using Cronos;
using MetaBackup.Core.Configuration;
using MetaBackup.Format;

namespace MetaBackup.Core.Settings;

/// <summary>
/// The Configuration Backup system task's settings (docs/storage.md, "The Configuration Backup system task"), read with the defaults that
/// <see cref="SettingKeys.Known"/> declares for what is not set.
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
    public CronExpression Cron => CronExpression.Parse(Schedule, CronFormat.Standard);

    public static ConfigBackupSettings From(IReadOnlyDictionary<string, string> values)
    {
        // A stored value is checked again: one from a backup may not hold on this machine.
        string? Value(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? SettingRules.CheckForm(key, v) : SettingKeys.Find(key)?.Default;
        return new ConfigBackupSettings(
            bool.Parse(Value(SettingKeys.ConfigBackupEnabled)!),
            Value(SettingKeys.ConfigBackupSchedule)!,
            Value(SettingKeys.ConfigBackupStorageId),
            Value(SettingKeys.ConfigBackupEncryptionProfileId),
            bool.Parse(Value(SettingKeys.ConfigBackupIncludeSecrets)!),
            Compressions.TryParse(Value(SettingKeys.ConfigBackupCompression)!, out var compression) ? compression : BackupCompression.Gzip,
            int.Parse(Value(SettingKeys.ConfigBackupRetention)!, System.Globalization.CultureInfo.InvariantCulture),
            TimeZoneInfo.FindSystemTimeZoneById(Value(SettingKeys.SystemTimezone)!));
    }
}
