using System.Diagnostics;
using System.Globalization;

namespace MetaBackup.Bench;

/// <summary>One whole process as an operator runs it: its wall time and peak resident memory (GNU time's %e and %M).</summary>
public sealed record ProcessFigures(double Seconds, long PeakRssKib)
{
    public double PeakRssMib => PeakRssKib / 1024.0;
}

/// <summary>
/// Runs commands as whole processes under <c>/usr/bin/time</c>: the MetaBackup CLI through <c>./metabackup</c>, as an
/// operator runs it (the launcher's check for changed sources, the runtime settings it makes, then the published
/// ReadyToRun build in .artifacts/cli), and the shell commands of the baselines (sqlite3, gzip).
/// </summary>
public sealed class WholeProcess
{
    private readonly string _launcher;

    /// <summary>The launcher's mark of a completed build: a build during a measurement would be timed with it.</summary>
    private readonly FileInfo _built;

    private readonly DateTime _builtAt;

    private WholeProcess(string root, string launcher, FileInfo built)
    {
        RepositoryRoot = root;
        _launcher = launcher;
        _built = built;
        _builtAt = built.LastWriteTimeUtc;
    }

    /// <summary>Builds the CLI as <c>./metabackup</c> does (when its sources changed), before anything is timed.</summary>
    public static WholeProcess Locate()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MetaBackup.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("The repository (MetaBackup.slnx) is not above the bench.");
        }

        var launcher = Path.Combine(root, "metabackup");
        Run("/bin/sh", ["-c", $"'{launcher}' --version > /dev/null"], null);
        return new WholeProcess(root, launcher, new FileInfo(Path.Combine(root, ".artifacts", "cli", ".built")));
    }

    /// <summary>The repository the CLI was built from.</summary>
    public string RepositoryRoot { get; }

    /// <summary><c>metabackup --data-dir DIR -q ARGS</c>, with the environment given (the system key of a generated configuration).</summary>
    public ProcessFigures Cli(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Unbuilt(Timed(_launcher, ["--data-dir", dataDirectory, "-q", .. args], environment));

    /// <summary>
    /// How many methods the JIT compiles for <c>metabackup --data-dir DIR -q ARGS</c> — what ReadyToRun left to run time
    /// (docs/performance.md, "Start-up") — as the runtime lists them (<c>DOTNET_JitStdOutFile</c>, <c>DOTNET_JitDisasmSummary</c>).
    /// </summary>
    public int MethodsCompiled(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var listed = Path.GetTempFileName();
        try
        {
            var listing = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
            {
                ["DOTNET_JitStdOutFile"] = listed,
                ["DOTNET_JitDisasmSummary"] = "1",
            };
            // With the listing on, the process dies after the command's work about one run in eight here (SIGABRT or
            // SIGSEGV; most likely a race of the runtime's, docs/performance.md, "Start-up"): such a run is made again,
            // a few times at most.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    File.WriteAllText(listed, ""); // the runtime adds to the file: only the run that ended well is counted
                    Unbuilt(Timed(_launcher, ["--data-dir", dataDirectory, "-q", .. args], listing));
                    return File.ReadLines(listed).Count(line => line.Contains("JIT compiled ", StringComparison.Ordinal));
                }
                catch (ProcessFailedException e) when (e.ExitCode is 134 or 139 && attempt < 5)
                {
                }
            }
        }
        finally
        {
            File.Delete(listed);
        }
    }

    /// <summary><c>metabackup ARGS</c> alone, no data directory: the runtime's own start-up (<c>--version</c>).</summary>
    public ProcessFigures Bare(params string[] args) => Unbuilt(Timed(_launcher, args, null));

    /// <summary>
    /// The figures of a run the launcher did not build before: a source edited while the suite runs makes the next
    /// command build the CLI first, and its time and memory would be the build's.
    /// </summary>
    private ProcessFigures Unbuilt(ProcessFigures figures)
    {
        _built.Refresh();
        return _built.LastWriteTimeUtc == _builtAt
            ? figures
            : throw new InvalidOperationException("The CLI was built again during the measurement (a source changed): measure again without editing.");
    }

    /// <summary>A shell command line (the baselines).</summary>
    public static ProcessFigures Shell(string commandLine) => Timed("/bin/sh", ["-c", commandLine], null);

    private static ProcessFigures Timed(string program, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var figures = Path.GetTempFileName();
        try
        {
            Run("/usr/bin/time", ["-f", "%e %M", "-o", figures, program, .. args], environment);
            var parts = File.ReadAllText(figures).Trim().Split('\n')[^1].Split(' ');
            return new ProcessFigures(double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(figures);
        }
    }

    private static void Run(string program, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ProcessFailedException(process.ExitCode, $"'{program} {string.Join(' ', args)}' failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }

    /// <summary>A process measured that exited with <paramref name="exitCode"/> (128 + the signal that killed it, if one did).</summary>
    private sealed class ProcessFailedException(int exitCode, string message) : InvalidOperationException(message)
    {
        public int ExitCode { get; } = exitCode;
    }
}
