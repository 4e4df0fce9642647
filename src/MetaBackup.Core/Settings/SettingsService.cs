using System.Text.RegularExpressions;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Settings;

/// <summary>Global key/value settings.</summary>
public sealed partial class SettingsService(ConfigurationSession session)
{
    private ConfigurationDbContext Db => session.Db;

    public async Task<Setting> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await Db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken)
        ?? throw new RecordNotFoundException(ConfigurationAreas.Settings, key);

    public async Task<string?> FindValueAsync(string key, CancellationToken cancellationToken = default) =>
        (await Db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, cancellationToken))?.Value;

    /// <summary>A setting's value as MetaBackup reads it: the stored one, else a known setting's default.</summary>
    public async Task<EffectiveSetting> GetEffectiveAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = await FindValueAsync(key, cancellationToken);
        return stored is null && SettingKeys.Find(key) is null
            ? throw new RecordNotFoundException(ConfigurationAreas.Settings, key)
            : Effective(key, stored);
    }

    /// <summary>Every known setting (stored value or default) and every other stored one, by key.</summary>
    public async Task<List<EffectiveSetting>> ListEffectiveAsync(CancellationToken cancellationToken = default)
    {
        var stored = await Db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        return stored.Keys.Union(SettingKeys.Known.Select(k => k.Key))
            .Order(StringComparer.Ordinal)
            .Select(key => Effective(key, stored.GetValueOrDefault(key)))
            .ToList();
    }

    private static EffectiveSetting Effective(string key, string? stored)
    {
        var known = SettingKeys.Find(key);
        return new EffectiveSetting(key, stored ?? known?.Default, stored is not null, known?.Description);
    }

    public async Task<Setting> SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        if (!KeyPattern().IsMatch(key))
        {
            throw new InvalidInputException(
                $"'{key}' is not a valid setting key.",
                "Setting keys are dotted words of letters, digits, '_' and '-', e.g. config.backup.schedule.");
        }

        var after = await Db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        after[key] = value;
        value = await SettingRules.CheckAsync(Db, key, value, after, cancellationToken);
        var setting = await Db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (setting is null)
        {
            setting = new Setting { Key = key, Value = value };
            Db.Settings.Add(setting);
        }
        else
        {
            setting.Value = value;
        }

        await Db.SaveChangesAsync(cancellationToken);
        return setting;
    }

    /// <summary>The configuration backup task's settings, with defaults for what is not set.</summary>
    public async Task<ConfigBackupSettings> ConfigBackupAsync(CancellationToken cancellationToken = default) =>
        ConfigBackupSettings.From(await Db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken));

    public async Task RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        if (key == SettingKeys.ConfigBackupEncryptionProfileId && await FindValueAsync(SettingKeys.ConfigBackupIncludeSecrets, cancellationToken) == "true")
        {
            throw new InvalidInputException(
                "Configuration backups include secrets, so they need their Encryption Profile.",
                $"Set {SettingKeys.ConfigBackupIncludeSecrets} to false first.");
        }

        Db.Settings.Remove(await GetAsync(key, cancellationToken));
        await Db.SaveChangesAsync(cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)*$")]
    private static partial Regex KeyPattern();
}
