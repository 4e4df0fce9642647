using MetaBackup.Core.Configuration;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Vault;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Vault;

public sealed class VaultServiceTests : IDisposable
{
    private readonly TestStore _a = new(TestKeys.A);
    private readonly TestStore _b = new(TestKeys.B);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task A_recovery_kit_from_one_server_gives_the_same_profile_on_another_and_never_a_twin()
    {
        RecoveryKit kit;
        await using (var a = await _a.InitializeAndOpenAsync())
        {
            var vault = new VaultService(a);
            var profile = await vault.CreateAsync("offsite", null);
            kit = RecoveryKit.Parse((await vault.RecoveryKitAsync(profile.Name)).ToText(DateTimeOffset.UtcNow), "kit");
        }

        await using var b = await _b.InitializeAndOpenAsync();
        var vaultB = new VaultService(b);
        var (first, firstOutcome) = await vaultB.ImportKeyAsync(kit.Key, null, kit);
        var (second, secondOutcome) = await vaultB.ImportKeyAsync(kit.Key, "another-name", kit);

        Assert.Equal(KeyImportOutcome.Created, firstOutcome);
        Assert.Equal(KeyImportOutcome.AlreadyPresent, secondOutcome);
        Assert.Equal(kit.Fingerprint, first.Fingerprint);
        Assert.Equal(kit.ProfileId, first.Id);
        Assert.Equal("offsite", first.Name);
        Assert.Equal(first.Id, second.Id);
        Assert.Single(await vaultB.ListAsync());
        Assert.Equal(kit.Key.ToHex(), vaultB.KeyOf(first).ToHex());
    }

    [Fact]
    public async Task A_locked_profile_refuses_its_key_and_importing_the_key_unlocks_it_in_place()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        var key = AesKey.Generate();
        session.Db.EncryptionProfiles.Add(new EncryptionProfile { Name = "from-backup", Fingerprint = key.Fingerprint });
        await session.Db.SaveChangesAsync();
        var vault = new VaultService(session);
        var locked = await vault.FindAsync("from-backup");

        var error = Assert.Throws<ProfileLockedException>(() => vault.KeyOf(locked));
        Assert.Contains(key.Fingerprint, error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.ProfileLocked, error.Code);
        Assert.Contains("Recovery Kit", error.Hint, StringComparison.Ordinal);

        var (profile, outcome) = await vault.ImportKeyAsync(key, "ignored", null);

        Assert.Equal(KeyImportOutcome.Unlocked, outcome);
        Assert.Equal(locked.Id, profile.Id);
        Assert.False(profile.IsLocked);
        Assert.Single(await vault.ListAsync());
    }

    [Fact]
    public async Task A_profile_used_by_a_job_or_by_the_config_backup_settings_cannot_be_deleted()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var vault = new VaultService(session);

        var byJob = await Assert.ThrowsAsync<ReferenceException>(() => vault.DeleteAsync("offsite"));
        Assert.Contains("nightly", byJob.Message, StringComparison.Ordinal);

        await new JobsService(session).UpdateAsync("nightly", new JobInput(EncryptionProfile: ""));
        var profile = await vault.FindAsync("offsite");
        await new SettingsService(session).SetAsync(VaultService.ConfigBackupProfileSetting, profile.Id);
        var bySetting = await Assert.ThrowsAsync<ReferenceException>(() => vault.DeleteAsync("offsite"));
        Assert.Contains(VaultService.ConfigBackupProfileSetting, bySetting.Message, StringComparison.Ordinal);

        await new SettingsService(session).RemoveAsync(VaultService.ConfigBackupProfileSetting);
        await vault.RecoveryKitAsync("offsite");
        await vault.DeleteAsync("offsite");
        Assert.Empty(await vault.ListAsync());
    }

    /// <summary>Issue 9.12: deleting a profile whose key was never saved deleted the only means to open its backups.</summary>
    [Fact]
    public async Task A_profile_whose_key_was_never_saved_is_deleted_only_with_force_naming_the_backups_it_encrypted_and_audited()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        var vault = new VaultService(session);
        await vault.CreateAsync("unsaved", null);
        await vault.CreateAsync("saved", null);
        await vault.RecoveryKitAsync("saved");

        var refused = await Assert.ThrowsAsync<ProfileKeyNotSavedException>(() =>
            vault.DeleteAsync("unsaved", backupsUsingIt: _ => Task.FromResult<IReadOnlyList<string>>(["config_backup_a.json.gz.enc", "config_backup_b.json.gz.enc"])));
        Assert.Contains("was never saved", refused.Message, StringComparison.Ordinal);
        Assert.Contains("2 in the configuration backup destination: config_backup_a.json.gz.enc, config_backup_b.json.gz.enc", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.KeyNotSaved, refused.Code);
        Assert.Equal("unsaved", refused.Details["profile"]);
        Assert.Equal(2, (await vault.ListAsync()).Count);

        await vault.DeleteAsync("saved");
        await vault.DeleteAsync("unsaved", force: true);

        Assert.Empty(await vault.ListAsync());
        Assert.Contains(session.Db.AuditEvents, e => e.Action == "profile.delete" && e.Target.StartsWith("unsaved", StringComparison.Ordinal) && e.Target.EndsWith("forced, its key was never saved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writing_a_recovery_kit_is_audited()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        var vault = new VaultService(session);
        await vault.CreateAsync("offsite", null);

        await vault.RecoveryKitAsync("offsite");

        var events = await session.Db.AuditEvents.AsNoTracking().Select(e => e.Action).ToListAsync();
        Assert.Contains("profile.recovery-kit", events);
    }

    [Fact]
    public async Task A_duplicate_profile_name_is_refused()
    {
        await using var session = await _a.InitializeAndOpenAsync();
        var vault = new VaultService(session);
        await vault.CreateAsync("offsite", null);

        await Assert.ThrowsAsync<DuplicateKeyException>(() => vault.CreateAsync("offsite", null));
    }
}
