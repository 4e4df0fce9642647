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
    /// <summary>This test's instance, as it claims runs.</summary>
    private static readonly RunClaimant Claimant = new("test-instance", TimeSpan.FromMinutes(1));

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
        var failing = new BackupStores([new StopsServerOnUpload(server)], RetryPolicy.None);
        var failed = await new InlineRunQueue(_test.DataDirectory, failing, Claimant).EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);

        await server.StartAsync();
        var direct = server.CreateStore(path: path);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("SFTP destination 'remote'", failed.Error, StringComparison.Ordinal);
        Assert.NotNull(failed.EndedAt);
        Assert.DoesNotContain(await direct.ListAsync(CancellationToken.None), f => BackupCatalog.IsBackup(f.Name));

        var next = await new InlineRunQueue(_test.DataDirectory, new BackupStores([new SftpBackupStoreFactory()]), Claimant).EnqueueAsync(session, RunTrigger.Manual, null, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, next.Status);
        Assert.Equal([next.File, BackupSidecar.NameFor(next.File!)], (await direct.ListAsync(CancellationToken.None)).Select(f => f.Name).Order());
        Assert.Equal([RunStatus.Succeeded, RunStatus.Failed], (await new ConfigBackupTask(session, _test.DataDirectory, failing).RunsAsync(10)).Select(r => r.Status));
    }

    /// <summary>The real SFTP backend, but the server is stopped the moment an upload starts.</summary>
    /// <summary>
    /// Issue 9.16: a transient failure (here the server down for a moment as the upload starts) is retried
    /// with backoff, the same for every backend, and the run record says how many attempts it took.
    /// </summary>
    [Fact]
    public async Task A_server_that_comes_back_during_the_retries_gets_the_backup_and_the_run_records_the_attempts()
    {
        server.RequireRunning();
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var adapter = await AddSftpAdapterAsync(session, server.Password);
        await new SettingsService(session).SetAsync(SettingKeys.ConfigBackupStorageId, adapter.Id);
        var notices = new List<string>();
        var stores = new BackupStores([new StopsServerOnUpload(server, restartAfter: TimeSpan.FromSeconds(1))], new RetryPolicy(5, TimeSpan.FromSeconds(1)));

        var run = await new InlineRunQueue(_test.DataDirectory, stores, Claimant).EnqueueAsync(session, RunTrigger.Manual, notices.Add, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.Attempts > 1, $"attempts: {run.Attempts}");
        Assert.Contains(notices, n => n.StartsWith("retrying in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_permanent_failure_such_as_a_wrong_password_is_not_retried()
    {
        server.RequireRunning();
        var notices = new List<string>();
        await using var session = await _test.InitializeAndOpenAsync();
        var adapter = await AddSftpAdapterAsync(session, new SecretText("not-the-password"));
        var store = new BackupStores([new SftpBackupStoreFactory()], new RetryPolicy(5, TimeSpan.FromSeconds(1))).For(adapter, new AdaptersService(session).ReadConfig(adapter), notice: notices.Add);

        var error = await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync("never", new MemoryStream([1]), CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains("authentication failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, ((RetryingBackupStore)store).MostUploadAttempts);
        Assert.Empty(notices);
    }

    private Task<Adapter> AddSftpAdapterAsync(Core.Persistence.ConfigurationSession session, SecretText password) =>
        new AdaptersService(session).AddAsync(AdapterKind.Storage, "sftp", "remote", new AdapterConfigChange(
            new Dictionary<string, string> { ["host"] = "127.0.0.1", ["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["username"] = SshdFixture.User, ["path"] = $"/home/{SshdFixture.User}/task-{Guid.NewGuid():N}", ["hostKeyFingerprint"] = server.HostKeyFingerprint },
            new Dictionary<string, SecretText> { ["password"] = password },
            []), null);

    /// <summary>Stops the server as the first upload begins; restarts it after <paramref name="restartAfter"/>, or leaves it down.</summary>
    private sealed class StopsServerOnUpload(SshdFixture server, TimeSpan? restartAfter = null) : IBackupStoreFactory
    {
        public string Type => "sftp";

        private int _uploads;

        private SshdFixture Server => server;

        private TimeSpan? RestartAfter => restartAfter;

        public IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null) => new Wrapper(new SftpBackupStoreFactory().Create(adapterName, config, remember), this);

        private sealed class Wrapper(IBackupStore inner, StopsServerOnUpload owner) : IBackupStore
        {
            public string Description => inner.Description;

            public Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref owner._uploads) == 1)
                {
                    owner.Server.Stop();
                    if (owner.RestartAfter is { } delay)
                    {
                        _ = Task.Delay(delay, CancellationToken.None).ContinueWith(_ => owner.Server.StartAsync(), TaskScheduler.Default).Unwrap();
                    }
                }

                return inner.UploadAsync(name, content, cancellationToken);
            }

            public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

            public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) => inner.OpenReadAsync(name, cancellationToken);

            public Task DeleteAsync(string name, CancellationToken cancellationToken) => inner.DeleteAsync(name, cancellationToken);

            public Task TestAsync(CancellationToken cancellationToken) => inner.TestAsync(cancellationToken);
        }
    }
}
