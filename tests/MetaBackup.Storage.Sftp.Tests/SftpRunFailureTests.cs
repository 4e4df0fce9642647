using MetaBackup.Core.Adapters;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;

namespace MetaBackup.Storage.Sftp.Tests;

/// <summary>The SFTP server goes away in the middle of a configuration backup run.</summary>
[Collection(SshdCollection.Name)]
public sealed class SftpRunFailureTests(SshdFixture server) : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task The_run_is_recorded_as_failed_with_its_reason_no_partial_file_remains_and_the_next_run_succeeds()
    {
        server.RequireRunning();
        var path = $"/home/{SshdFixture.User}/task-{Guid.NewGuid():N}";
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var adapter = await new AdaptersService(session).AddAsync(AdapterKind.Storage, "sftp", "remote", new AdapterConfigChange(
            new Dictionary<string, string> { ["host"] = "127.0.0.1", ["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["username"] = SshdFixture.User, ["path"] = path, ["hostKeyFingerprint"] = server.HostKeyFingerprint },
            new Dictionary<string, SecretText> { ["password"] = server.Password },
            []), null);
        var settings = new SettingsService(session);
        await settings.SetAsync(SettingKeys.ConfigBackupStorageId, adapter.Id);
        await settings.SetAsync(SettingKeys.ConfigBackupEncryptionProfileId, "offsite");
        await settings.SetAsync(SettingKeys.ConfigBackupIncludeSecrets, "true");

        // The export is made; the server stops as the upload begins.
        var failing = new BackupStores([new StopsServerOnUpload(server)]);
        var failed = await new ConfigBackupTask(session, _test.DataDirectory, failing).RunAsync(RunTrigger.Manual);

        await server.StartAsync();
        var direct = server.CreateStore(path: path);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("SFTP destination 'remote'", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.EndedAt);
        Assert.DoesNotContain(await direct.ListAsync(CancellationToken.None), f => BackupCatalog.IsBackup(f.Name));

        var next = await new ConfigBackupTask(session, _test.DataDirectory, new BackupStores([new SftpBackupStoreFactory()])).RunAsync(RunTrigger.Manual);

        Assert.Equal(RunStatus.Succeeded, next.Status);
        Assert.Equal([next.File, BackupSidecar.NameFor(next.File!)], (await direct.ListAsync(CancellationToken.None)).Select(f => f.Name).Order());
        Assert.Equal([RunStatus.Succeeded, RunStatus.Failed], (await new ConfigBackupTask(session, _test.DataDirectory, failing).RunsAsync(10)).Select(r => r.Status));
    }

    /// <summary>The real SFTP backend, but the server is stopped the moment an upload starts.</summary>
    private sealed class StopsServerOnUpload(SshdFixture server) : IBackupStoreFactory
    {
        public string Type => "sftp";

        public IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null) => new Wrapper(new SftpBackupStoreFactory().Create(adapterName, config, remember), server);

        private sealed class Wrapper(IBackupStore inner, SshdFixture server) : IBackupStore
        {
            public string Description => inner.Description;

            public Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
            {
                server.Stop();
                return inner.UploadAsync(name, content, cancellationToken);
            }

            public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

            public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) => inner.OpenReadAsync(name, cancellationToken);

            public Task DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(name, cancellationToken);

            public Task TestAsync(CancellationToken cancellationToken) => inner.TestAsync(cancellationToken);
        }
    }
}
