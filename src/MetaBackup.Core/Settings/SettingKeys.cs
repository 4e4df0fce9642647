namespace MetaBackup.Core.Settings;

/// <summary>Setting keys that MetaBackup itself reads, declared once.</summary>
public static class SettingKeys
{
    public const string ConfigBackupEnabled = "config.backup.enabled";
    public const string ConfigBackupSchedule = "config.backup.schedule";
    public const string ConfigBackupIncludeSecrets = "config.backup.includeSecrets";
    public const string ConfigBackupCompression = "config.backup.compression";
    public const string ConfigBackupRetention = "config.backup.retention";
    public const string SystemTimezone = "system.timezone";

    /// <summary>The Encryption Profile (id) configuration backups are encrypted with (PRODUCT §7).</summary>
    public const string ConfigBackupEncryptionProfileId = "config.backup.encryptionProfileId";

    /// <summary>The storage adapter (id) configuration backups are written to (PRODUCT §7).</summary>
    public const string ConfigBackupStorageId = "config.backup.storageId";

    /// <summary>Settings whose value is the id of a record in another area: import remaps them like any reference.</summary>
    public static readonly IReadOnlyDictionary<string, string> References = new Dictionary<string, string>
    {
        [ConfigBackupEncryptionProfileId] = "encryptionProfiles",
        [ConfigBackupStorageId] = "adapters",
    };
}
