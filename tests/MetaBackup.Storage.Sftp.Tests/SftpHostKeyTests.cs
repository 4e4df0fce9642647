using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;

namespace MetaBackup.Storage.Sftp.Tests;

/// <summary>
/// Issue 9.15: an sftp destination without a host key fingerprint accepted any host key, for ever. Now the
/// first successful connection pins the server's key in the adapter (audited, and shown by `adapters test`),
/// and a server that later presents another key is refused.
/// </summary>
[Collection(SshdCollection.Name)]
public sealed class SftpHostKeyTests(SshdFixture server) : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task The_first_connection_pins_the_host_key_and_another_key_is_refused_after()
    {
        server.RequireRunning();
        await using var session = await _test.InitializeAndOpenAsync();
        var stores = new BackupStores([new SftpBackupStoreFactory()]);
        var adapters = new AdaptersService(session, stores);
        await adapters.AddAsync(AdapterKind.Storage, "sftp", "remote", new AdapterConfigChange(
            new Dictionary<string, string> { ["host"] = "127.0.0.1", ["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["username"] = SshdFixture.User, ["path"] = $"/home/{SshdFixture.User}/tofu-{Guid.NewGuid():N}" },
            new Dictionary<string, SecretText> { ["password"] = server.Password },
            []), null);
        var notices = new List<string>();

        var result = await new ConnectionTests(session, stores, []).TestAsync("remote", notices.Add);

        Assert.StartsWith("wrote, listed and deleted", result.Checked, StringComparison.Ordinal);
        var pinned = adapters.ReadConfig(await adapters.FindAsync("remote")).Text("hostKeyFingerprint");
        Assert.Equal(server.HostKeyFingerprint.TrimEnd('='), pinned!.TrimEnd('='));
        Assert.Contains(notices, n => n.Contains($"hostKeyFingerprint = {pinned}", StringComparison.Ordinal));
        Assert.Contains(session.Db.AuditEvents, e => e.Action == "adapter.remember" && e.Target.Contains(pinned, StringComparison.Ordinal));

        await using (await server.UseAnotherHostKeyAsync())
        {
            var refused = await Assert.ThrowsAsync<StorageException>(() => new ConnectionTests(session, stores, []).TestAsync("remote"));
            Assert.Contains("the host key is not the one pinned for it", refused.Message, StringComparison.Ordinal);
            Assert.Equal(pinned, adapters.ReadConfig(await adapters.FindAsync("remote")).Text("hostKeyFingerprint"));
        }
    }
}
