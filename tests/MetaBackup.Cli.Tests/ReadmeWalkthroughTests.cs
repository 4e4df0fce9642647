using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The README's walkthrough, run as written: its shell block, in a directory of its own holding a
/// symlink to the repository's `./metabackup` (as a clone's root would), with a home directory of its
/// own holding the one thing the README says to prepare (~/pg.password).
/// </summary>
public sealed class ReadmeWalkthroughTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_readme_walkthrough_runs_as_written()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf("<!-- walkthrough:start -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- walkthrough:end -->", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "the README has no walkthrough block");
        var block = readme[start..end];
        var script = block[(block.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..block.LastIndexOf("```", StringComparison.Ordinal)];
        var home = _temp.Combine("home");
        var clone = _temp.Combine("clone");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(clone);
        File.CreateSymbolicLink(Path.Combine(clone, "metabackup"), Path.Combine(Repository.Root, "metabackup"));
        await File.WriteAllTextAsync(Path.Combine(home, "pg.password"), "walkthrough-database-password\n");
        File.SetUnixFileMode(Path.Combine(home, "pg.password"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Built first through the same launcher, so that the walkthrough's time limit is the walkthrough's, not the build's
        // (on two cores beside the other test assemblies, a publish ReadyToRun takes minutes: docs/performance.md, "Start-up").
        await CliProcess.BuildThroughLauncherAsync();
        var (code, output) = await RunAsync(script, clone, home);

        Assert.True(code == 0, output);
        var recovered = Path.Combine(home, "recovered", "config.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(recovered));
        Assert.Contains("walkthrough-database-password", await File.ReadAllTextAsync(recovered), StringComparison.Ordinal);
        Assert.Contains("holds every secret of the configuration in plain text", output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(home, "config-backups")));
        Assert.True(File.Exists(Path.Combine(home, "rebuilt", "metabackup.db")));
        Assert.DoesNotContain("walkthrough-database-password", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string script, string directory, string home)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The user's home is the walkthrough's; .NET keeps its own state and package cache where they were.
        var realHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        start.Environment["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? realHome;
        start.Environment["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(realHome, ".nuget", "packages");
        start.Environment["HOME"] = home;
        foreach (var variable in new[] { "ENCRYPTION_KEY", "ENCRYPTION_KEY_FILE", "METABACKUP_DATA_DIR", "METABACKUP_DATABASE" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
