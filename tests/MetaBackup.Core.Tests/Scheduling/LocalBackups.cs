using MetaBackup.Core.Adapters;
using MetaBackup.Core.Settings;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Scheduling;

/// <summary>A sample configuration whose Configuration Backup goes to a local directory, under the profile "offsite", with secrets.</summary>
internal static class LocalBackups
{
    public static async Task ConfigureAsync(TestStore test, string destination, int retention = 3)
    {
        await using var session = await test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var disk = await new AdaptersService(session).AddAsync(AdapterKind.Storage, "local", "disk",
            new AdapterConfigChange(new Dictionary<string, string> { ["path"] = destination }, new Dictionary<string, Core.Secrets.SecretText>(), []), null);
        var settings = new SettingsService(session);
        await settings.SetAsync(SettingKeys.ConfigBackupStorageId, disk.Name);
        await settings.SetAsync(SettingKeys.ConfigBackupEncryptionProfileId, "offsite");
        await settings.SetAsync(SettingKeys.ConfigBackupIncludeSecrets, "true");
        await settings.SetAsync(SettingKeys.ConfigBackupRetention, retention.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
