using MetaBackup.Core.Storage;
using MetaBackup.Storage.Testing;

namespace MetaBackup.Storage.Sftp.Tests;

/// <summary>The storage conformance suite against a real OpenSSH server on loopback, with a password.</summary>
[Collection(SshdCollection.Name)]
public sealed class SftpBackupStoreTests(SshdFixture server) : BackupStoreConformance
{
    protected override IBackupStore CreateStore() => server.CreateStore();

    [Fact]
    public async Task A_private_key_logs_in_too()
    {
        var store = server.CreateStore(useKey: true);

        await store.UploadAsync("with-key", new MemoryStream([1, 2]), CancellationToken.None);

        Assert.Equal([1, 2], await ReadAllAsync(store, "with-key"));
    }

    [Fact]
    public async Task Another_host_key_is_refused()
    {
        var store = server.CreateStore(hostKeyFingerprint: "SHA256:" + new string('A', 43));

        var error = await Assert.ThrowsAsync<StorageException>(() => store.TestAsync(CancellationToken.None));

        Assert.Contains("SFTP destination 'sftp-test'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_server_fails_with_a_clear_reason_and_works_again_once_back()
    {
        var store = server.CreateStore();
        await store.UploadAsync("before", new MemoryStream([1]), CancellationToken.None);

        server.Stop();
        var error = await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync("during", new MemoryStream([2]), CancellationToken.None));
        await server.StartAsync();

        Assert.Contains("Could not upload 'during'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["before"], (await store.ListAsync(CancellationToken.None)).Select(f => f.Name));
    }
}

/// <summary>Export to SFTP, wipe the data directory, import from SFTP: the same configuration.</summary>
[Collection(SshdCollection.Name)]
public sealed class SftpRestoreTests(SshdFixture server)
{
    [Fact]
    public Task A_configuration_exported_to_sftp_comes_back_after_the_data_directory_is_wiped() =>
        MetaBackup.Testing.DestinationDrill.RunAsync(server.CreateStore(useKey: true));
}
