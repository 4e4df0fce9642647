using System.Security.Cryptography;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The README's <c>./metabackup</c> launcher: what it sets for the runtime before the CLI starts (docs/performance.md,
/// "Runtime settings"), as the server reports it in its start-up log and each command in the data directory's log.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    /// <summary>The exit codes of a process killed by SIGABRT (6) and by SIGSEGV (11), as the shell reports them: 128 + the signal.</summary>
    private const int CrashedOnSigabrt = 134, CrashedOnSigsegv = 139;

    private const string RuntimesOwnTiering = "calls counted once start-up settles, a method optimised after the runtime's own number of calls";

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
    [InlineData("validate", 3 * 1024 * 1024, null, "calls counted from the first, a method optimised after 20480 calls")]
    [InlineData("validate", 3 * 1024 * 1024, "0x100", "calls counted from the first, a method optimised after 256 calls")]
    [InlineData("validate", 64 * 1024, null, RuntimesOwnTiering)]
    [InlineData("recover", 3 * 1024 * 1024, null, RuntimesOwnTiering)]
    public async Task The_launcher_has_the_runtime_optimise_at_once_for_a_large_backup_unless_the_operator_chose(string command, int fileBytes, string? operatorsThreshold, string expected)
    {
        await CliProcess.BuildThroughLauncherAsync();
        await _cli.OkAsync("init");
        var environment = new Dictionary<string, string?>(_cli.Environment)
        {
            ["DOTNET_TC_CallCountingDelayMs"] = null,
            ["DOTNET_TC_CallCountThreshold"] = operatorsThreshold,
        };
        // Not a backup (the command refuses it): the launcher chooses by the command and the file's size before the CLI reads it.
        var file = Path.Combine(_cli.WorkingDirectory, "backup.bin");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(fileBytes));
        string[] args = command == "recover" ? ["recover", file, "-o", Path.Combine(_cli.WorkingDirectory, "out.json")] : [command, file];
        using var process = CliProcess.StartLauncher(_cli.DataDirectory, environment, _cli.WorkingDirectory, args);
        process.StandardInput.Close();
        var output = ProcessOutput.Collect(process);
        await process.WaitForExitAsync();

        var started = _cli.LogText().Split('\n').SingleOrDefault(line => line.Contains($"Command {command} started; runtime: ", StringComparison.Ordinal));
        Assert.True(started is not null, $"exit {process.ExitCode}\n{output.Text}\n{_cli.LogText()}");
        Assert.Contains(expected, started, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_launchers_build_holds_the_framework_code_MetaBackups_own_async_methods_start_with()
    {
        await CliProcess.BuildThroughLauncherAsync();
        await _cli.OkAsync("init");
        // The JIT lists every method it compiles into this file: what ReadyToRun left to it.
        var compiled = Path.Combine(_cli.WorkingDirectory, "jit.txt");
        var environment = new Dictionary<string, string?>(_cli.Environment)
        {
            ["DOTNET_JitStdOutFile"] = compiled,
            ["DOTNET_JitDisasmSummary"] = "1",
        };
        // With the listing on, the process dies after the command has done its work about one run in eight here — most
        // likely a race of the runtime's, closing the file as the process exits while another thread still compiles and
        // writes to it (SIGABRT "free(): invalid pointer" or SIGSEGV; none in forty runs without the
        // listing, docs/performance.md, "Start-up"). Such a run is made again, a few times at most; any other failure fails.
        var (exitCode, output) = (-1, "");
        for (var attempt = 1; attempt <= 5 && exitCode != 0; attempt++)
        {
            File.Delete(compiled); // the runtime adds to the file: only the run that ended well is listed
            using var process = CliProcess.StartLauncher(_cli.DataDirectory, environment, _cli.WorkingDirectory, "profiles", "list");
            process.StandardInput.Close();
            var collected = ProcessOutput.Collect(process);
            await process.WaitForExitAsync();
            (exitCode, output) = (process.ExitCode, collected.Text);
            Assert.True(exitCode is 0 or CrashedOnSigabrt or CrashedOnSigsegv, $"exit {exitCode}\n{output}");
        }

        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}");

        var methods = File.ReadAllLines(compiled).Where(line => line.Contains("JIT compiled ", StringComparison.Ordinal)).ToList();
        // The list is there (the runtime still compiles its dynamic methods and a few hundred more), and none of it is the
        // framework's start of one of MetaBackup's async methods: without the cross-module generics of
        // MetaBackup.Cli.csproj each of them was compiled here, at the command's every start (docs/performance.md, "Start-up").
        Assert.NotEmpty(methods);
        Assert.DoesNotContain(methods, line => line.Contains("AsyncMethodBuilderCore:Start[MetaBackup.", StringComparison.Ordinal));
    }
}
