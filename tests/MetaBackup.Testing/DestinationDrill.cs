using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Core.Storage;
using Xunit;

namespace MetaBackup.Testing;

/// <summary>
/// "Restore from a destination" for any backend: export the sample configuration to it, wipe the data
/// directory, start over with a new system key, import from the destination, and compare.
/// </summary>
public static class DestinationDrill
{
    public static async Task RunAsync(IBackupStore store)
    {
        using var server = new TestStore(TestKeys.A);
        string expected;
        string file;
        string kit;
        await using (var session = await server.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            expected = await ConfigurationText.OfAsync(session);
            var vault = new Core.Vault.VaultService(session);
            kit = (await vault.RecoveryKitAsync("offsite")).Key.ToHex();
            var stored = await new StorageExport(session, server.DataDirectory).ExportAsync(new ExportOptions(true, "offsite"), store, CancellationToken.None);
            file = stored.Export.FileName;
        }

        Assert.Contains(file, (await new BackupCatalog(store).ListAsync(CancellationToken.None)).Select(e => e.File));
        server.Wipe();
        server.Environment["ENCRYPTION_KEY"] = TestKeys.C;

        await using var rebuilt = await server.InitializeAndOpenAsync();
        using var downloaded = await new StorageExport(rebuilt, server.DataDirectory).DownloadAsync(store, file, CancellationToken.None);
        await new ConfigImporter(rebuilt, server.DataDirectory).ImportConfigAsync(downloaded.Path, new ImportOptions(ImportMode.Full), Core.Secrets.AesKey.FromHex(kit, "kit"));

        Assert.Equal(expected, await ConfigurationText.OfAsync(rebuilt));
    }
}
