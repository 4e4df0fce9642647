using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Vault;

/// <summary>What importing a key did.</summary>
public enum KeyImportOutcome
{
    /// <summary>A new profile holds the key.</summary>
    Created,

    /// <summary>A locked profile with this fingerprint now has its key.</summary>
    Unlocked,

    /// <summary>The vault already held this key; nothing changed.</summary>
    AlreadyPresent,
}

/// <summary>A locked profile was asked for its key.</summary>
public sealed class ProfileLockedException(EncryptionProfile profile) : MetaBackupException(
    $"Encryption profile '{profile.Name}' (fingerprint {profile.Fingerprint}) is locked: this server does not have its key.",
    "Import the key from the profile's Recovery Kit.",
    null,
    ErrorCode.ProfileLocked,
    new Dictionary<string, string> { ["profile"] = profile.Name, ["fingerprint"] = profile.Fingerprint });

/// <summary>A profile whose key exists only on this server was about to be deleted.</summary>
public sealed class ProfileKeyNotSavedException(EncryptionProfile profile, IReadOnlyList<string> backups) : MetaBackupException(
    $"The key of Encryption Profile '{profile.Name}' (fingerprint {profile.Fingerprint}) was never saved outside this server: no Recovery Kit was written and it was not imported. "
    + $"Deleting the profile would leave every backup encrypted with it unreadable{(backups.Count > 0 ? $", among them {backups.Count} in the configuration backup destination: {string.Join(", ", backups.Take(5))}{(backups.Count > 5 ? ", …" : "")}" : "")}.",
    "Save its Recovery Kit first, or say that the deletion is meant anyway (force).",
    null,
    ErrorCode.KeyNotSaved,
    new Dictionary<string, string> { ["profile"] = profile.Name, ["fingerprint"] = profile.Fingerprint });

/// <summary>The vault of Encryption Profiles (docs/secrets.md, "Encryption Profiles and Recovery Kits").</summary>
public sealed class VaultService(ConfigurationSession session)
{
    /// <summary>The setting that names the profile configuration backups are encrypted with (docs/storage.md, "The Configuration Backup system task").</summary>
    public const string ConfigBackupProfileSetting = SettingKeys.ConfigBackupEncryptionProfileId;

    private ConfigurationDbContext Db => session.Db;

    public Task<EncryptionProfile> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.EncryptionProfiles.FindAsync(reference, p => p.Name == reference || p.Fingerprint == reference, cancellationToken);

    public Task<List<EncryptionProfile>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.EncryptionProfiles.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);

    /// <summary>Creates a profile with a fresh random 256-bit key.</summary>
    public async Task<EncryptionProfile> CreateAsync(string name, string? description, CancellationToken cancellationToken = default)
    {
        var key = AesKey.Generate();
        var profile = new EncryptionProfile
        {
            Name = name,
            Description = description,
            Fingerprint = key.Fingerprint,
            Key = session.Secrets.Seal(new SecretText(key.ToHex())),
        };
        profile.Normalize();
        await Db.EncryptionProfiles.EnsureUniqueAsync(p => p.Name == profile.Name, profile.Name, null, cancellationToken);
        Db.EncryptionProfiles.Add(profile);
        session.Audit("profile.create", $"{profile.Name} ({profile.Fingerprint})");
        await Db.SaveChangesAsync(cancellationToken);
        return profile;
    }

    /// <summary>The profile's key; <see cref="ProfileLockedException"/> when the server does not have it.</summary>
    public AesKey KeyOf(EncryptionProfile profile) =>
        profile.Key is { } sealedKey
            ? AesKey.FromHex(session.Secrets.Open(sealedKey).Reveal(), $"encryption profile '{profile.Name}'")
            : throw new ProfileLockedException(profile);

    /// <summary>The profile's Recovery Kit. Audited: it hands out the key.</summary>
    public async Task<RecoveryKit> RecoveryKitAsync(string reference, CancellationToken cancellationToken = default)
    {
        var profile = await FindAsync(reference, cancellationToken);
        var kit = new RecoveryKit(profile.Id, profile.Name, KeyOf(profile));
        session.Audit("profile.recovery-kit", $"{profile.Name} ({profile.Fingerprint})");
        await Db.SaveChangesAsync(cancellationToken);
        return kit;
    }

    /// <summary>
    /// Adds a key to the vault. The same fingerprint is never stored twice: a locked profile with it
    /// is unlocked, an unlocked one is returned unchanged.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="name">The new profile's name (default: the kit's name, else one made from the fingerprint).</param>
    /// <param name="kit">The kit the key came from, if any: its profile id and name are reused when free.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    public async Task<(EncryptionProfile Profile, KeyImportOutcome Outcome)> ImportKeyAsync(
        AesKey key,
        string? name,
        RecoveryKit? kit,
        CancellationToken cancellationToken = default)
    {
        var existing = await Db.EncryptionProfiles.FirstOrDefaultAsync(p => p.Fingerprint == key.Fingerprint, cancellationToken);
        if (existing is not null)
        {
            if (!existing.IsLocked)
            {
                return (existing, KeyImportOutcome.AlreadyPresent);
            }

            existing.Key = session.Secrets.Seal(new SecretText(key.ToHex()));
            session.Audit("profile.unlock", $"{existing.Name} ({existing.Fingerprint})");
            await Db.SaveChangesAsync(cancellationToken);
            return (existing, KeyImportOutcome.Unlocked);
        }

        var profile = new EncryptionProfile
        {
            Name = name ?? kit?.ProfileName ?? $"imported-{key.Fingerprint[..8]}",
            Fingerprint = key.Fingerprint,
            Key = session.Secrets.Seal(new SecretText(key.ToHex())),
        };
        profile.Normalize();
        await Db.EncryptionProfiles.EnsureUniqueAsync(p => p.Name == profile.Name, profile.Name, null, cancellationToken);
        if (kit is not null && !await Db.EncryptionProfiles.AnyAsync(p => p.Id == kit.ProfileId, cancellationToken))
        {
            // Keeping the original id lets later imports of backups that reference it match by id.
            profile.Id = kit.ProfileId;
        }

        Db.EncryptionProfiles.Add(profile);
        session.Audit("profile.import-key", $"{profile.Name} ({profile.Fingerprint})");
        await Db.SaveChangesAsync(cancellationToken);
        return (profile, KeyImportOutcome.Created);
    }

    /// <summary>
    /// Whether the profile's key exists outside this server: its Recovery Kit was written, or the key was
    /// imported from a kit or key file (the audit log records both, by fingerprint).
    /// </summary>
    public Task<bool> KeyWasSavedAsync(EncryptionProfile profile, CancellationToken cancellationToken = default)
    {
        var fingerprint = $"({profile.Fingerprint})";
        return Db.AuditEvents.AnyAsync(e => (e.Action == "profile.recovery-kit" || e.Action == "profile.import-key" || e.Action == "profile.unlock") && e.Target.EndsWith(fingerprint), cancellationToken);
    }

    /// <summary>
    /// Deletes a profile that nothing uses. Backups made with it stay readable with its Recovery Kit — so a
    /// profile whose key was never saved outside this server (<see cref="KeyWasSavedAsync"/>) is deleted only
    /// with <paramref name="force"/>: with it goes the only means to open every backup it encrypted.
    /// <paramref name="backupsUsingIt"/> lists those backups for the refusal (e.g. in the configured destination).
    /// </summary>
    public async Task DeleteAsync(string reference, bool force = false, Func<EncryptionProfile, Task<IReadOnlyList<string>>>? backupsUsingIt = null, CancellationToken cancellationToken = default)
    {
        var profile = await FindAsync(reference, cancellationToken);
        var jobs = await Db.Jobs.Where(j => j.EncryptionProfileId == profile.Id).Select(j => j.Name).ToListAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            throw new ReferenceException(
                $"Encryption profile '{profile.Name}' is used by job(s) {string.Join(", ", jobs)}.",
                "Give those jobs another profile first.");
        }

        var setting = await Db.Settings.FirstOrDefaultAsync(s => s.Key == ConfigBackupProfileSetting, cancellationToken);
        if (setting is not null && (setting.Value == profile.Id || setting.Value == profile.Name))
        {
            throw new ReferenceException(
                $"Encryption profile '{profile.Name}' encrypts the configuration backups (setting {ConfigBackupProfileSetting}).",
                $"Set {ConfigBackupProfileSetting} to another profile first.");
        }

        var saved = profile.IsLocked || await KeyWasSavedAsync(profile, cancellationToken);
        if (!saved && !force)
        {
            var backups = backupsUsingIt is null ? [] : await backupsUsingIt(profile);
            throw new ProfileKeyNotSavedException(profile, backups);
        }

        Db.EncryptionProfiles.Remove(profile);
        session.Audit("profile.delete", saved ? $"{profile.Name} ({profile.Fingerprint})" : $"{profile.Name} ({profile.Fingerprint}); forced, its key was never saved");
        await Db.SaveChangesAsync(cancellationToken);
    }
}
