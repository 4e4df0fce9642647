using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Settings;

/// <summary>Global key/value settings.</summary>
public sealed class SettingsService(ConfigurationSession session)
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
        var candidate = new Setting { Key = key, Value = await SettingRules.ResolveReferenceAsync(Db, key, value, cancellationToken) };
        candidate.Normalize();
        var after = await Db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        after[key] = candidate.Value;
        if (SettingRules.ProblemTogether(after) is { } problem)
        {
            throw problem;
        }

        var setting = await Db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (setting is null)
        {
            setting = candidate;
            Db.Settings.Add(setting);
        }
        else
        {
            setting.Value = candidate.Value;
        }

        await Db.SaveChangesAsync(cancellationToken);
        return setting;
    }

    /// <summary>
    /// Sets several settings at once — a value sets, null unsets — checked as one change: every value by its rules,
    /// then all of them together, so a form that turns on secrets and picks a profile saves in any order, or not at
    /// all. One transaction; a failure names the setting.
    /// </summary>
    public async Task SetManyAsync(IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken = default)
    {
        await using var transaction = await session.BeginWriteAsync(cancellationToken);
        var stored = await Db.Settings.ToDictionaryAsync(s => s.Key, cancellationToken);
        foreach (var (key, value) in values)
        {
            if (value is null)
            {
                if (stored.Remove(key, out var removed))
                {
                    Db.Settings.Remove(removed);
                }

                continue;
            }

            var candidate = new Setting { Key = key, Value = await SettingRules.ResolveReferenceAsync(Db, key, value, cancellationToken) };
            candidate.Normalize();
            if (stored.TryGetValue(key, out var setting))
            {
                setting.Value = candidate.Value;
            }
            else
            {
                Db.Settings.Add(candidate);
                stored[key] = candidate;
            }
        }

        if (SettingRules.ProblemTogether(stored.ToDictionary(s => s.Key, s => s.Value.Value)) is { } problem)
        {
            throw problem;
        }

        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The configuration backup task's settings, with defaults for what is not set.</summary>
    public async Task<ConfigBackupSettings> ConfigBackupAsync(CancellationToken cancellationToken = default) =>
        ConfigBackupSettings.From(await Db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken));

    public async Task RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        var setting = await GetAsync(key, cancellationToken);
        var after = await Db.Settings.AsNoTracking().Where(s => s.Key != key).ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        if (SettingRules.BrokenDependency(after) is { } broken)
        {
            throw new InvalidInputException($"{key} cannot be unset: {broken.Message}", $"Set {broken.Key} to something else than {broken.WhenValue} first.");
        }

        Db.Settings.Remove(setting);
        await Db.SaveChangesAsync(cancellationToken);
    }
}
