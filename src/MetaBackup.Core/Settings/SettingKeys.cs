using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Settings;

/// <summary>
/// The settings MetaBackup itself reads, declared once: key, purpose and value when unset
/// (docs/storage.md, "The Configuration Backup system task"). <c>settings list</c> and <c>settings get</c> show these defaults, and
/// <see cref="ConfigBackupSettings"/> reads them from here; <see cref="SettingRules"/> checks values.
/// Other keys may be stored too, free-form.
/// </summary>
public static class SettingKeys
{
    public const string ConfigBackupEnabled = "config.backup.enabled";
    public const string ConfigBackupSchedule = "config.backup.schedule";
    public const string ConfigBackupIncludeSecrets = "config.backup.includeSecrets";
    public const string ConfigBackupCompression = "config.backup.compression";
    public const string ConfigBackupRetention = "config.backup.retention";
    public const string SystemTimezone = "system.timezone";

    /// <summary>The Encryption Profile (id) configuration backups are encrypted with.</summary>
    public const string ConfigBackupEncryptionProfileId = "config.backup.encryptionProfileId";

    /// <summary>The storage adapter (id) configuration backups are written to.</summary>
    public const string ConfigBackupStorageId = "config.backup.storageId";

    public static readonly IReadOnlyList<KnownSetting> Known =
    [
        new(ConfigBackupEnabled, "Run the Configuration Backup task on its schedule (true/false).", "false"),
        new(ConfigBackupSchedule, "When it runs: a five-field cron expression in system.timezone.", "0 3 * * *"),
        new(ConfigBackupStorageId, "The storage adapter backups are written to.", null),
        new(ConfigBackupEncryptionProfileId, "The Encryption Profile backups are encrypted with.", null),
        new(ConfigBackupIncludeSecrets, "Include secret values (needs an Encryption Profile).", "false"),
        new(ConfigBackupCompression, "none, gzip or brotli.", "gzip"),
        new(ConfigBackupRetention, "How many of the newest backups to keep in the destination.", "10"),
        new(SystemTimezone, "The time zone schedules are read in (IANA name).", "UTC"),
    ];

    /// <summary>
    /// Settings whose value is the id of a record in another area (the reference's field is the setting
    /// record's <c>value</c>): import remaps and checks them like any reference, kind included
    /// (<see cref="ConfigurationArea.ReferencesOf"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, RecordReference> References = new Dictionary<string, RecordReference>
    {
        [ConfigBackupEncryptionProfileId] = new("value", "encryptionProfiles", Optional: true),
        [ConfigBackupStorageId] = new("value", "adapters", Adapters.AdapterKind.Storage, Optional: true),
    };

    public static KnownSetting? Find(string key) => Known.FirstOrDefault(k => k.Key == key);

    /// <summary>Namespaces that belong to MetaBackup: a key in them must be a known one (a typo there would be stored and silently ignored).</summary>
    public static readonly IReadOnlyList<string> ReservedPrefixes = ["config.", "system."];

    public static bool IsReserved(string key) => ReservedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
}

/// <summary>A setting MetaBackup reads.</summary>
/// <param name="Default">Its value while unset; null when it has none (nothing is chosen).</param>
public sealed record KnownSetting(string Key, string Description, string? Default);
