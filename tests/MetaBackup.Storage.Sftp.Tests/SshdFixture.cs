using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;

namespace MetaBackup.Storage.Sftp.Tests;

/// <summary>
/// A real OpenSSH sshd with internal-sftp on a free loopback port, with its own host key, config and
/// log in a temporary directory, and a test user who can log in with a password or an ed25519 key.
/// Needs root (sshd's privilege separation, creating the user): run as another user, every SFTP test is
/// skipped with that reason. Installs Debian's openssh-server when it is missing, and removes the test
/// user (and its home) when the run ends. There must be exactly one instance per test run (the collection fixture of
/// <see cref="SshdCollection"/>): a second one would set a new password for the same system user and
/// lock the first one's tests out. <see cref="Stop"/> and <see cref="Start"/> let a test take the server away mid-run.
/// </summary>
public sealed class SshdFixture : IAsyncLifetime
{
    public const string User = "mbsftptest";
    private static int s_instances;
    private readonly TempDirectory _directory = new();
    private Process? _server;

    public int Port { get; private set; }

    public SecretText Password { get; } = new($"pw-{Guid.NewGuid():N}");

    public SecretText PrivateKey { get; private set; } = new("");

    public string HostKeyFingerprint { get; private set; } = "";

    /// <summary>Why the server cannot run here (not root), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Skips the calling test when the server cannot run here.</summary>
    public void RequireRunning() => Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");

    public async ValueTask InitializeAsync()
    {
        if (Interlocked.Increment(ref s_instances) > 1)
        {
            throw new InvalidOperationException("A second SshdFixture: use [Collection(SshdCollection.Name)], not IClassFixture<SshdFixture>, so the test user keeps one password.");
        }

        if (Environment.UserName != "root")
        {
            SkipReason = "The SFTP tests start sshd and create a system user, which needs root (CI runs as root); run the suite as root to include them.";
            return;
        }

        if (!File.Exists("/usr/sbin/sshd"))
        {
            await RunAsync("apt-get", "update", "-qq");
            await RunAsync("apt-get", "install", "-y", "-qq", "openssh-server");
        }

        Directory.CreateDirectory("/run/sshd");
        if ((await TryRunAsync("id", User)) != 0)
        {
            await RunAsync("useradd", "-m", User);
        }

        // The password goes to chpasswd on stdin, never on a command line.
        using (var chpasswd = Process.Start(new ProcessStartInfo("chpasswd") { RedirectStandardInput = true })!)
        {
            await chpasswd.StandardInput.WriteLineAsync($"{User}:{Password.Reveal()}");
            chpasswd.StandardInput.Close();
            await chpasswd.WaitForExitAsync();
            if (chpasswd.ExitCode != 0)
            {
                throw new InvalidOperationException($"chpasswd exited with {chpasswd.ExitCode} while setting the test user's password.");
            }
        }
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", _directory.Combine("host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", _directory.Combine("client_key"));
        PrivateKey = new SecretText(await File.ReadAllTextAsync(_directory.Combine("client_key")));
        var authorized = _directory.Combine("authorized_keys");
        File.Copy(_directory.Combine("client_key.pub"), authorized);
        // sshd reads authorized_keys as the test user: the (owner-only) temp directory must let it through.
        // A public key is no secret; the host and client private keys stay owner-only.
        File.SetUnixFileMode(_directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(authorized, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        HostKeyFingerprint = (await OutputAsync("ssh-keygen", "-l", "-E", "sha256", "-f", _directory.Combine("host_key.pub"))).Split(' ')[1];

        Port = Repository.FreePort();
        await File.WriteAllTextAsync(_directory.Combine("sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {_directory.Combine("host_key")}
            PidFile {_directory.Combine("sshd.pid")}
            AuthorizedKeysFile {authorized}
            StrictModes no
            PasswordAuthentication yes
            PubkeyAuthentication yes
            UsePAM no
            Subsystem sftp internal-sftp
            """);
        await StartAsync();
    }

    /// <summary>A store in its own directory of the test user's home.</summary>
    public IBackupStore CreateStore(bool useKey = false, string? hostKeyFingerprint = null, string? path = null)
    {
        RequireRunning();
        var config = AdapterConfig.Empty(AdapterTypes.Find(AdapterKind.Storage, "sftp")!);
        config.Set("host", "127.0.0.1");
        config.Set("port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        config.Set("username", User);
        config.Set("path", path ?? $"/home/{User}/backups-{Guid.NewGuid():N}");
        config.Set("hostKeyFingerprint", hostKeyFingerprint ?? HostKeyFingerprint);
        if (useKey)
        {
            config.SetSecret("privateKey", PrivateKey);
        }
        else
        {
            config.SetSecret("password", Password);
        }

        return new SftpBackupStoreFactory().Create("sftp-test", config);
    }

    public void Stop()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }
    }

    /// <summary>Restarts the server with a new host key (as a rebuilt or impersonated server would have); returns a handle that puts the original back.</summary>
    public async Task<IAsyncDisposable> UseAnotherHostKeyAsync()
    {
        var key = _directory.Combine("host_key");
        File.Copy(key, key + ".original", overwrite: true);
        File.Copy(key + ".pub", key + ".pub.original", overwrite: true);
        File.Delete(key);
        File.Delete(key + ".pub");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
        Stop();
        await StartAsync();
        return new Restore(async () =>
        {
            File.Copy(key + ".original", key, overwrite: true);
            File.Copy(key + ".pub.original", key + ".pub", overwrite: true);
            Stop();
            await StartAsync();
        });
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }

    public async Task StartAsync()
    {
        _server = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-f", _directory.Combine("sshd_config"), "-E", _directory.Combine("sshd.log")]))!;
        await Repository.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        _server?.Dispose();
        _directory.Dispose();
        if (SkipReason is null)
        {
            // A system user with a password must not outlive the run.
            await TryRunAsync("userdel", "-r", User);
        }
    }


    private static async Task RunAsync(string program, params string[] args)
    {
        if (await TryRunAsync(program, args) is var code && code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {code}.");
        }
    }

    private static async Task<int> TryRunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task<string> OutputAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
