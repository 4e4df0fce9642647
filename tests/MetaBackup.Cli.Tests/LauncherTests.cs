using System.Diagnostics;
using System.Text;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The README's <c>./metabackup</c> launcher: what it sets for the runtime before the CLI starts (docs/performance.md,
/// "Runtime settings"), as the server reports it in its start-up log.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData(null, 16)]
    [InlineData("0x2000000", 32)]
    public async Task The_launcher_gives_the_GC_a_first_generation_of_16_MiB_unless_the_operator_chose_one(string? operatorsChoice, int expectedMib)
    {
        var port = Repository.FreePort();
        var start = new ProcessStartInfo(Path.Combine(Repository.Root, "metabackup"), ["--data-dir", _cli.DataDirectory, "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _cli.WorkingDirectory,
        };
        foreach (var (name, value) in _cli.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment[Server.ServerSettings.UrlsVariable] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_GCgen0size"] = operatorsChoice;
        using var server = Process.Start(start)!;
        var output = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await Repository.WaitForPortAsync(port, TimeSpan.FromSeconds(120));
            // The runtime's line is logged just before the server says where it listens.
            for (var waited = 0; waited < 100 && !Printed(output).Contains("MetaBackup is listening", StringComparison.Ordinal); waited++)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            CliProcess.Signal(server, "TERM");
            await server.WaitForExitAsync();
        }

        Assert.Contains($"first-generation budget up to {expectedMib} MiB", Printed(output), StringComparison.Ordinal);
    }

    private static string Printed(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
