using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using MetaBackup.Testing;

namespace MetaBackup.Storage.S3.Tests;

/// <summary>
/// A real S3-compatible server (s3rver, from tools/s3rver, installed with npm on first use) on a free
/// loopback port, for the whole test class; stopped at the end.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "backups";
    private readonly TempDirectory _data = new();
    private Process? _server;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        var tool = Path.Combine(Repository.Root, "tools", "s3rver");
        var binary = Path.Combine(tool, "node_modules", ".bin", "s3rver");
        if (!File.Exists(binary))
        {
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], tool);
        }

        Port = Repository.FreePort();
        _server = Process.Start(new ProcessStartInfo(binary, ["-d", _data.Path, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await Repository.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>A store in its own prefix, so tests do not see each other's files.</summary>
    public IBackupStore CreateStore(string? prefix = null)
    {
        var config = AdapterConfig.Empty(AdapterTypes.Find(AdapterKind.Storage, "s3")!);
        config.Set("endpoint", Endpoint);
        config.Set("region", "us-east-1");
        config.Set("bucket", Bucket);
        config.Set("prefix", prefix ?? $"test-{Guid.NewGuid():N}");
        config.Set("forcePathStyle", "true");
        config.Set("accessKeyId", "S3RVER");
        config.SetSecret("secretAccessKey", new SecretText("S3RVER"));
        return new S3BackupStoreFactory().Create("s3-test", config);
    }

    public ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }


    private static async Task RunAsync(string program, string[] args, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error}");
        }
    }
}
