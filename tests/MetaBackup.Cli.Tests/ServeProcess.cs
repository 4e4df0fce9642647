using System.Diagnostics;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>`metabackup serve` as a real process on a free loopback port, killed when disposed.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly int _port;

    private ServeProcess(Process process, int port)
    {
        _process = process;
        _port = port;
        // Drain the pipes, or a chatty server blocks on a full one.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id (the runs it claims name it, docs/database.md "Several instances").</summary>
    public int ProcessId => _process.Id;

    /// <summary>Serves the runner's data directory with the runner's environment.</summary>
    public static ServeProcess Start(CliRunner cli) => Start(cli.DataDirectory, cli.Environment);

    /// <summary>Serves <paramref name="dataDirectory"/> with <paramref name="environment"/>: another instance, given the same database.</summary>
    public static ServeProcess Start(string dataDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var port = Repository.FreePort();
        var process = CliProcess.Start(dataDirectory, environment, Path.GetDirectoryName(dataDirectory)!, "serve", "--urls", $"http://127.0.0.1:{port}");
        process.StandardInput.Close();
        return new ServeProcess(process, port);
    }

    public Task WaitUntilListeningAsync() => Repository.WaitForPortAsync(_port, TimeSpan.FromSeconds(60));

    public HttpClient Client() => new() { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

    /// <summary>SIGKILL: the server stops at once, whatever it is doing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
