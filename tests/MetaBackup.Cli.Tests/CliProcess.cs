using System.Diagnostics;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The real `metabackup` CLI in a child process of its own, for what an in-process run cannot show:
/// concurrency between processes, a process killed or signalled midway, a long-running `serve`.
/// </summary>
public static class CliProcess
{
    /// <summary>
    /// Starts <c>metabackup --data-dir DIR ARGS</c> with the given environment (a null value removes a variable), with
    /// SIGINT handled as in a terminal. A test runner started in the background of a script (<c>cmd &amp;</c> without job
    /// control, as POSIX shells do) has SIGINT ignored, children inherit that, and .NET leaves an ignored signal ignored:
    /// Ctrl+C would then not reach the command at all. <c>env --default-signal=INT</c> (coreutils) resets it and
    /// execs the command, so the process id stays the command's.
    /// </summary>
    public static Process Start(string dataDirectory, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args) =>
        Launch(["dotnet", typeof(CliApp).Assembly.Location], dataDirectory, environment, workingDirectory, args);

    /// <summary>As <see cref="Start"/>, through the README's <c>./metabackup</c> launcher, with what it sets before the CLI starts.</summary>
    public static Process StartLauncher(string dataDirectory, IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args) =>
        Launch([Path.Combine(Repository.Root, "metabackup")], dataDirectory, environment, workingDirectory, args);

    /// <summary>
    /// Runs <c>./metabackup --version</c> to its end: on a fresh clone the launcher first builds the CLI, which beside
    /// the other test assemblies on two cores has taken longer than a test waits for a server's port. Built once, every
    /// later call returns at once (the launcher only checks that no source is newer).
    /// </summary>
    public static async Task BuildThroughLauncherAsync()
    {
        var start = new ProcessStartInfo(Path.Combine(Repository.Root, "metabackup"), ["--version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"./metabackup --version exited {process.ExitCode}:\n{await output}{await error}");
        }
    }

    private static Process Launch(string[] program, string dataDirectory, IReadOnlyDictionary<string, string?> environment, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("env", ["--default-signal=INT", .. program, "--data-dir", dataDirectory, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs the CLI to the end and returns what it printed.</summary>
    public static async Task<CliResult> RunAsync(CliRunner cli, params string[] args)
    {
        using var process = Start(cli.DataDirectory, cli.Environment, cli.WorkingDirectory, args);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Sends a signal by name (TERM as a service manager sends, INT as Ctrl+C does).</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
