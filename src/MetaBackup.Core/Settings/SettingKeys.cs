namespace MetaBackup.Core.Settings;

/// <summary>Setting keys that MetaBackup itself reads, declared once.</summary>
public static class SettingKeys
{
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
