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
        await CliProcess.BuildThroughLauncherAsync();
        var port = Repository.FreePort();
        var environment = new Dictionary<string, string?>(_cli.Environment)
        {
            [Server.ServerSettings.UrlsVariable] = $"http://127.0.0.1:{port}",
            ["DOTNET_GCgen0size"] = operatorsChoice,
        };
        using var server = CliProcess.StartLauncher(_cli.DataDirectory, environment, _cli.WorkingDirectory, "serve");
        server.StandardInput.Close();
        var output = ProcessOutput.Collect(server);
        try
        {
            await Repository.WaitForPortAsync(port, TimeSpan.FromSeconds(120));
            // The runtime's line is logged just before the server says where it listens.
            for (var waited = 0; waited < 100 && !output.Text.Contains("MetaBackup is listening", StringComparison.Ordinal); waited++)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            CliProcess.Signal(server, "TERM");
            await server.WaitForExitAsync();
        }

        Assert.Contains($"first-generation budget up to {expectedMib} MiB", output.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("export", null, "calls counted from the first, a method optimised after 20480 calls")]
    [InlineData("export", "0x100", "calls counted from the first, a method optimised after 256 calls")]
    [InlineData("profiles list", null, "calls counted once start-up settles, a method optimised after the runtime's own number of calls")]
    public async Task The_launcher_has_the_runtime_optimise_at_once_for_a_command_that_reads_or_writes_a_whole_configuration(string command, string? operatorsThreshold, string expected)
    {
        await CliProcess.BuildThroughLauncherAsync();
        await _cli.OkAsync("init");
        var environment = new Dictionary<string, string?>(_cli.Environment)
        {
            ["DOTNET_TC_CallCountingDelayMs"] = null,
            ["DOTNET_TC_CallCountThreshold"] = operatorsThreshold,
        };
        string[] args = command == "export" ? ["export", "-o", Path.Combine(_cli.WorkingDirectory, "exported")] : command.Split(' ');
        using var process = CliProcess.StartLauncher(_cli.DataDirectory, environment, _cli.WorkingDirectory, args);
        process.StandardInput.Close();
        var output = ProcessOutput.Collect(process);
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output.Text);
        // Each command logs the runtime it ran with as it finishes.
        var finished = _cli.LogText().Split('\n').Single(line => line.Contains($"Command {command} finished with exit code 0; runtime: ", StringComparison.Ordinal));
        Assert.Contains(expected, finished, StringComparison.Ordinal);
    }
}
