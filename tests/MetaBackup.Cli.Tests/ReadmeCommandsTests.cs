using System.Diagnostics;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The README's run command, executed as a user would: the real `./metabackup` script in a real
/// process (building the CLI on first use). Also checks the process-level contract: exit codes
/// and a secret piped on stdin.
/// </summary>
public sealed class ReadmeCommandsTests : IDisposable
{
    private static readonly string RepositoryRoot = Repository.Root;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_readme_run_command_serves_the_embedded_default_and_the_script_serves_every_command()
    {
        var readme = await File.ReadAllLinesAsync(Path.Combine(RepositoryRoot, "README.md"));
        var runCommand = readme.Select(l => l.Trim()).First(l => l.StartsWith("./metabackup ", StringComparison.Ordinal) && l.Contains("# run", StringComparison.Ordinal));
        Assert.Equal("./metabackup serve", runCommand[..runCommand.IndexOf('#', StringComparison.Ordinal)].Trim());
        var dataDir = _temp.Combine("data");

        // Built first through the same launcher, so that the time the server is given to answer is not the build's as well.
        await CliProcess.BuildThroughLauncherAsync();

        // The server runs until stopped: start it, see it answer, stop it as a service manager would.
        var port = Repository.FreePort();
        var serve = Start(runCommand[..runCommand.IndexOf('#', StringComparison.Ordinal)].Trim(), dataDir, port);
        var served = ProcessOutput.Collect(serve);
        await Repository.WaitForPortAsync(port, TimeSpan.FromMinutes(5));
        using (var http = new HttpClient())
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode);
        }

        CliProcess.Signal(serve, "TERM");
        await serve.WaitForExitAsync();
        Assert.True(serve.ExitCode == 0, served.Text);
        Assert.True(File.Exists(Path.Combine(dataDir, "metabackup.db")), served.Text);
        Assert.True(File.Exists(Path.Combine(dataDir, "system.key")), served.Text);
        Assert.Contains("KEEP A COPY", served.Text, StringComparison.Ordinal);
        Assert.Contains($"MetaBackup is listening on http://127.0.0.1:{port}", served.Text, StringComparison.Ordinal);

        var add = await RunAsync("printf 'piped-secret-123\\n' | ./metabackup credentials add --name db --secret password=stdin --json", dataDir);
        Assert.True(add.ExitCode == 0, add.Output);
        Assert.Contains("\"password\": true", add.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("piped-secret-123", add.Output, StringComparison.Ordinal);

        Assert.Equal(2, (await RunAsync("./metabackup no-such-command", dataDir)).ExitCode);
        Assert.Equal(1, (await RunAsync("./metabackup credentials show missing", dataDir)).ExitCode);
    }

    /// <summary>Issue 9.5: `dotnet build` and `dotnet test` write generated .cs files under obj/, and the script took them for changed sources and rebuilt on every run.</summary>
    [Fact]
    public async Task The_script_does_not_rebuild_for_files_the_build_itself_generates()
    {
        var dataDir = _temp.Combine("data");
        await CliProcess.BuildThroughLauncherAsync();
        await RunAsync("./metabackup --help", dataDir);
        var generated = Path.Combine(RepositoryRoot, "src", "MetaBackup.Cli", "obj", "metabackup-test-generated.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(generated)!);
        await File.WriteAllTextAsync(generated, "// what a build generates");
        try
        {
            var again = await RunAsync("./metabackup --help", dataDir);

            Assert.Equal(0, again.ExitCode);
            Assert.DoesNotContain("building the CLI", again.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(generated);
        }
    }

    private static Process Start(string commandLine, string dataDir, int? port = null)
    {
        var start = new ProcessStartInfo("bash", ["-c", commandLine])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["METABACKUP_DATA_DIR"] = dataDir;
        start.Environment.Remove("ENCRYPTION_KEY");
        start.Environment.Remove("ENCRYPTION_KEY_FILE");
        if (port is { } listen)
        {
            start.Environment["METABACKUP_URLS"] = $"http://127.0.0.1:{listen}";
        }

        return Process.Start(start)!;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string commandLine, string dataDir)
    {
        using var process = Start(commandLine, dataDir);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
