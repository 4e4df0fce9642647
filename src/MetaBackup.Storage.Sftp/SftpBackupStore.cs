using System.Net.Sockets;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace MetaBackup.Storage.Sftp;

/// <summary>How to reach an SFTP server. Secrets stay <see cref="SecretText"/> until SSH.NET needs them.</summary>
public sealed record SftpTarget(string Host, int Port, string Username, SecretText? Password, SecretText? PrivateKey, SecretText? Passphrase, string? HostKeyFingerprint, string BasePath);

/// <summary>
/// A directory on an SFTP server (OpenSSH or any SFTP v3 server), with a password or a private key.
/// Uploads go to a hidden temporary name and are renamed over the final one with OpenSSH's
/// posix-rename, so an interrupted upload never leaves a partial file under the final name (and a
/// failed one removes its temporary file when the connection allows). When a host key fingerprint
/// (SHA256, as <c>ssh-keygen -lf</c> prints it) is configured, any other host key is refused; when
/// none is, the first successful connection trusts the server's key and hands its fingerprint to
/// <paramref name="remember"/>, so that it is pinned from then on (docs/storage.md, "SFTP host keys").
/// </summary>
public sealed class SftpBackupStore(string adapterName, SftpTarget target, RememberConfig? remember = null) : IBackupStore
{
    private string? _pinned = target.HostKeyFingerprint is { Length: > 0 } configured ? configured : null;

    private const string PartialPrefix = ".partial-";

    public string Description => $"SFTP destination '{adapterName}' ({target.Username}@{target.Host}:{target.Port}{target.BasePath})";

    public Task UploadAsync(string name, Stream content, CancellationToken cancellationToken) => WithClientAsync($"upload '{name}'", async client =>
    {
        EnsureDirectory(client);
        var temporary = $"{target.BasePath}/{PartialPrefix}{Guid.NewGuid():N}-{StorageNames.Check(name)}";
        try
        {
            await client.UploadFileAsync(content, temporary, cancellationToken);
            client.RenameFile(temporary, PathOf(name), isPosix: true);
        }
        catch
        {
            TryDelete(client, temporary);
            throw;
        }
    });

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) => WithClientAsync("list files", async client =>
    {
        if (!await client.ExistsAsync(target.BasePath, cancellationToken))
        {
            return (IReadOnlyList<StoredFile>)[];
        }

        var files = new List<StoredFile>();
        await foreach (var file in client.ListDirectoryAsync(target.BasePath, cancellationToken))
        {
            if (file.IsRegularFile && !file.Name.StartsWith(PartialPrefix, StringComparison.Ordinal))
            {
                files.Add(new StoredFile(file.Name, file.Length, file.LastWriteTimeUtc));
            }
        }

        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    });

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync($"read '{name}'", cancellationToken);
        try
        {
            return new OwningStream(client.OpenRead(PathOf(name)), client);
        }
        catch (SftpPathNotFoundException)
        {
            client.Dispose();
            throw new StorageFileNotFoundException(Description, name);
        }
        catch (Exception e) when (e is SshException or SocketException or IOException)
        {
            client.Dispose();
            throw Failed($"read '{name}'", e);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => WithClientAsync($"delete '{name}'", client =>
    {
        TryDelete(client, PathOf(name));
        return Task.FromResult(0);
    });

    public async Task TestAsync(CancellationToken cancellationToken)
    {
        var probe = $".metabackup-test-{Guid.NewGuid():N}";
        await UploadAsync(probe, new MemoryStream([1, 2, 3]), cancellationToken);
        await DeleteAsync(probe, cancellationToken);
    }

    private string PathOf(string name) => $"{target.BasePath}/{StorageNames.Check(name)}";

    private async Task WithClientAsync(string what, Func<SftpClient, Task> action) =>
        await WithClientAsync(what, async client =>
        {
            await action(client);
            return 0;
        });

    private async Task<T> WithClientAsync<T>(string what, Func<SftpClient, Task<T>> action)
    {
        using var client = await ConnectAsync(what, CancellationToken.None);
        try
        {
            return await action(client);
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or InvalidOperationException)
        {
            throw Failed(what, e);
        }
    }

    private async Task<SftpClient> ConnectAsync(string what, CancellationToken cancellationToken)
    {
        var methods = new List<AuthenticationMethod>();
        if (target.PrivateKey is { } key)
        {
            using var keyStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(key.Reveal()));
            methods.Add(new PrivateKeyAuthenticationMethod(target.Username, new PrivateKeyFile(keyStream, target.Passphrase?.Reveal())));
        }

        if (target.Password is { } password)
        {
            methods.Add(new PasswordAuthenticationMethod(target.Username, password.Reveal()));
        }

        var client = new SftpClient(new ConnectionInfo(target.Host, target.Port, target.Username, [.. methods]) { Timeout = TimeSpan.FromSeconds(15) });
        string? firstSeen = null;
        client.HostKeyReceived += (_, e) =>
        {
            if (_pinned is { } expected)
            {
                e.CanTrust = string.Equals(e.FingerPrintSHA256, expected.Replace("SHA256:", "", StringComparison.Ordinal).TrimEnd('='), StringComparison.Ordinal);
            }
            else
            {
                // Trust on first use: accept, and pin once the connection has succeeded.
                firstSeen = e.FingerPrintSHA256;
                e.CanTrust = true;
            }
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
            if (firstSeen is not null && _pinned is null)
            {
                _pinned = $"SHA256:{firstSeen}";
                if (remember is not null)
                {
                    await remember("hostKeyFingerprint", _pinned);
                }
            }

            return client;
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ProxyException)
        {
            client.Dispose();
            throw Failed(what, e);
        }
    }

    private void EnsureDirectory(SftpClient client)
    {
        var path = "";
        foreach (var part in target.BasePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            if (!client.Exists(path))
            {
                client.CreateDirectory(path);
            }
        }
    }

    private static void TryDelete(SftpClient client, string path)
    {
        try
        {
            client.DeleteFile(path);
        }
        catch (SftpPathNotFoundException)
        {
            // Already gone: deleting is idempotent.
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or InvalidOperationException)
        {
            // Best effort while cleaning up after a failure; the temporary name is hidden and never listed.
        }
    }

    private StorageException Failed(string what, Exception e) => e is SshConnectionException { Message: var m } && (m.Contains("Host key could not be verified", StringComparison.Ordinal) || m.Contains("Key exchange negotiation failed", StringComparison.Ordinal))
        ? new(
            $"Could not {what} in {Description}: the host key is not the one pinned for it ({_pinned}). The server was rebuilt, or something is impersonating it.",
            "If the server's key really changed, check its new fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set it as the adapter's hostKeyFingerprint (SHA256:…).",
            e)
        : new(
            $"Could not {what} in {Description}: {(e is SshAuthenticationException ? "authentication failed" : e.Message)}",
            "Check the adapter's host, port, user, key or password and host key fingerprint, and that the server is up.",
            e,
            transient: e is SocketException or SshOperationTimeoutException or IOException || e is SshConnectionException && !(e is SshAuthenticationException));

    /// <summary>A remote file stream that closes its connection when disposed.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Format.ReadOnlyStream
    {
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>The factory for <c>sftp</c> adapters.</summary>
public sealed class SftpBackupStoreFactory : IBackupStoreFactory
{
    public string Type => "sftp";

    public IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null)
    {
        var plain = config.Plain;
        var path = plain["path"]!.GetValue<string>().TrimEnd('/');
        return new SftpBackupStore(adapterName, new SftpTarget(
            plain["host"]!.GetValue<string>(),
            plain["port"] is { } port ? int.Parse(port.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : 22,
            plain["username"]!.GetValue<string>(),
            config.Secret("password"),
            config.Secret("privateKey"),
            config.Secret("passphrase"),
            plain["hostKeyFingerprint"]?.GetValue<string>(),
            path.Length == 0 ? "/" : path), remember);
    }

    /// <summary>A private key must be one SSH.NET reads (OpenSSH, PEM, PuTTY), with its passphrase if it has one: checked when it is given, not at the first upload.</summary>
    public void CheckConfig(AdapterConfig config)
    {
        if (config.Secret("privateKey") is not { } key)
        {
            return;
        }

        try
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(key.Reveal()));
            using var parsed = new PrivateKeyFile(stream, config.Secret("passphrase")?.Reveal());
        }
        catch (Exception e) when (e is SshException or ArgumentException or InvalidOperationException or FormatException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            throw new Core.Configuration.InvalidInputException(
                $"The privateKey of this sftp adapter cannot be used: {(e is SshPassPhraseNullOrEmptyException ? "it is encrypted, and no passphrase was given" : e.Message)}",
                "Give an unencrypted OpenSSH or PEM private key (ssh-keygen -t ed25519), or also its passphrase.",
                new Dictionary<string, string> { ["secretKey"] = "passphrase" });
        }
    }
}
