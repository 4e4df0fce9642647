using System.Globalization;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Format;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Settings;

/// <summary>
/// What a value of each known setting must be, checked when it is saved (docs/storage.md: invalid
/// settings are refused with a clear reason) and when it is imported. Unknown keys are free-form.
/// Three kinds of rule: the form of one value (<see cref="CheckForm"/>, also run by
/// <see cref="Setting.Normalize"/>), a value that names a record (<see cref="ResolveReferenceAsync"/>;
/// import remaps those through <see cref="SettingKeys.References"/>), and rules over several settings
/// together (<see cref="ProblemTogether"/>: secrets need a profile).
/// </summary>
public static class SettingRules
{
    /// <summary>For a setting that names a record: the id of the record <paramref name="value"/> names (by id or name), checked to be of the right kind.</summary>
    public static async Task<string> ResolveReferenceAsync(ConfigurationDbContext db, string key, string value, CancellationToken cancellationToken) => key switch
    {
        SettingKeys.ConfigBackupStorageId => await StorageAsync(db, value, cancellationToken),
        SettingKeys.ConfigBackupEncryptionProfileId => await ProfileAsync(db, value, cancellationToken),
        _ => value,
    };

    /// <summary>Settings that, with a given value, need another setting set — declared once, checked on set, unset and import.</summary>
    public static readonly IReadOnlyList<SettingDependency> Dependencies =
    [
        new(SettingKeys.ConfigBackupIncludeSecrets, "true", SettingKeys.ConfigBackupEncryptionProfileId,
            "Configuration backups cannot include secrets without an Encryption Profile: secrets never leave unencrypted."),
        new(SettingKeys.ConfigBackupEnabled, "true", SettingKeys.ConfigBackupStorageId,
            "Scheduled configuration backups need a destination: with none they would never run."),
    ];

    /// <summary>The first dependency these settings (every setting as it would be) break, or null.</summary>
    public static SettingDependency? BrokenDependency(IReadOnlyDictionary<string, string> settings) =>
        Dependencies.FirstOrDefault(d => settings.GetValueOrDefault(d.Key) == d.WhenValue && string.IsNullOrEmpty(settings.GetValueOrDefault(d.Needs)));

    /// <summary>What is wrong with these settings taken together (every setting as it would be), or null.</summary>
    public static InvalidInputException? ProblemTogether(IReadOnlyDictionary<string, string> settings) =>
        BrokenDependency(settings) is { } broken
            ? new InvalidInputException(broken.Message, $"First set {broken.Needs}, then {broken.Key} to {broken.WhenValue}.")
            : null;

    /// <summary>
    /// The form a value must have, normalised, for the settings that hold no record id; other keys pass
    /// as they are. Used on save, when a stored value is read (it may have come from a backup made on
    /// another machine, e.g. with a time zone this one lacks), and by import.
    /// </summary>
    public static string CheckForm(string key, string value) => key switch
    {
        _ when SettingKeys.IsReserved(key) && SettingKeys.Find(key) is null => throw new InvalidInputException(
            $"'{key}' is not a setting MetaBackup knows; keys beginning with {string.Join(" or ", SettingKeys.ReservedPrefixes)} are MetaBackup's own.",
            Suggestions.Nearest(key, SettingKeys.Known.Select(k => k.Key)) is { } nearest ? $"Did you mean '{nearest}'?" : "List the settings to see the known keys."),
        SettingKeys.ConfigBackupEnabled or SettingKeys.ConfigBackupIncludeSecrets => Boolean(key, value),
        SettingKeys.ConfigBackupSchedule => Cron(value),
        SettingKeys.ConfigBackupCompression => Compressions.TryParse(value, out var c) ? Compressions.Name(c) : throw Invalid(key, value, "one of none, gzip, brotli"),
        SettingKeys.ConfigBackupRetention => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n.ToString(CultureInfo.InvariantCulture) : throw Invalid(key, value, "a whole number of backups to keep, at least 1"),
        SettingKeys.SystemTimezone => TimeZone(value),
        _ => value,
    };

    private static string Boolean(string key, string value) =>
        bool.TryParse(value, out var b) ? (b ? "true" : "false") : throw Invalid(key, value, "true or false");

    private static string Cron(string value)
    {
        try
        {
            return Check.Cron(value, "schedule");
        }
        catch (InvalidInputException e)
        {
            throw Invalid(SettingKeys.ConfigBackupSchedule, value, $"a five-field cron expression such as \"0 3 * * *\" ({e.Message.TrimEnd('.')})");
        }
    }

    private static string TimeZone(string value)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(value).Id;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw Invalid(SettingKeys.SystemTimezone, value, "an IANA time zone such as UTC or Europe/Berlin");
        }
    }

    private static async Task<string> StorageAsync(ConfigurationDbContext db, string value, CancellationToken cancellationToken)
    {
        var adapter = await db.Adapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == value || (a.Name == value && a.Kind == AdapterKind.Storage), cancellationToken)
            ?? await db.Adapters.AsNoTracking().FirstOrDefaultAsync(a => a.Name == value, cancellationToken)
            ?? throw new ReferenceException($"{SettingKeys.ConfigBackupStorageId}: there is no adapter '{value}'.", "Choose a storage adapter that exists.", ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.Adapters.Name, ["reference"] = value, ["kind"] = "storage" });
        return adapter.Kind == AdapterKind.Storage
            ? adapter.Id
            : throw new ReferenceException($"{SettingKeys.ConfigBackupStorageId}: '{adapter.Name}' is a {Kinds.Name(adapter.Kind)} adapter, not a storage destination.", "Choose a storage adapter.", ErrorCode.InvalidInput);
    }

    private static async Task<string> ProfileAsync(ConfigurationDbContext db, string value, CancellationToken cancellationToken)
    {
        var profile = await db.EncryptionProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == value || p.Name == value || p.Fingerprint == value, cancellationToken)
            ?? throw new ReferenceException($"{SettingKeys.ConfigBackupEncryptionProfileId}: there is no Encryption Profile '{value}'.", "Choose a profile that exists.", ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.EncryptionProfiles.Name, ["reference"] = value });
        return profile.Id;
    }

    private static InvalidInputException Invalid(string key, string value, string expected) =>
        new($"{key} cannot be '{value}': it must be {expected}.");
}

/// <summary>A setting that, when it has <see cref="WhenValue"/>, needs <see cref="Needs"/> to be set.</summary>
public sealed record SettingDependency(string Key, string WhenValue, string Needs, string Message);
