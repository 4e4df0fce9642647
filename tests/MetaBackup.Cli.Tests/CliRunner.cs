using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>What one CLI run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string All => Out + Err;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs the real CLI (<see cref="CliApp"/>) in-process against a data directory, with its own
/// environment and stdin, and keeps every result so tests can search all output at once.
/// </summary>
public sealed class CliRunner : IDisposable
{
    private readonly TempDirectory _directory = new();

    public CliRunner()
    {
        DataDirectory = _directory.Combine("data");
        WorkingDirectory = _directory.Combine("work");
        Directory.CreateDirectory(WorkingDirectory);
        TestDatabase.Provide(Environment);
    }

    public string DataDirectory { get; }

    /// <summary>A directory outside the data directory, for secret files, kits and key files.</summary>
    public string WorkingDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "metabackup.db");

    public Dictionary<string, string?> Environment { get; } = new() { ["USER"] = "tester" };

    public List<CliResult> History { get; } = [];

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", args);

    public async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(new StringReader(stdin), output, error, name => Environment.GetValueOrDefault(name), WorkingDirectory);
        var code = await CliApp.RunAsync(["--data-dir", DataDirectory, .. args], host);
        var result = new CliResult(code, output.ToString(), error.ToString());
        History.Add(result);
        return result;
    }

    /// <summary>Runs a command that must succeed, and returns its output.</summary>
    public async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"metabackup {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    public string Dump() => DatabaseDump.Of(Environment, DatabasePath);

    /// <summary>Whether the runner's database exists (see <see cref="DatabaseDump.Exists"/>).</summary>
    public bool DatabaseExists() => DatabaseDump.Exists(Environment, DatabasePath);

    /// <summary>Runs one SQL statement against the runner's database (see <see cref="DatabaseDump.Execute"/>).</summary>
    public int Execute(string sql) => DatabaseDump.Execute(Environment, DatabasePath, sql);

    /// <summary>Everything the runner's database keeps (see <see cref="DatabaseDump.Files"/>).</summary>
    public IReadOnlyDictionary<string, byte[]> DatabaseFiles() => DatabaseDump.Files(Environment, DatabasePath);

    /// <summary>Opens the runner's store directly (after `init`), e.g. to seed a full sample configuration.</summary>
    public Task<Core.Persistence.ConfigurationSession> OpenStoreAsync()
    {
        var directory = new Core.Configuration.DataDirectory(DataDirectory);
        string? Env(string name) => Environment.GetValueOrDefault(name);
        return new Core.Persistence.ConfigurationStore(directory, Data.DatabaseProviders.For(directory, Env), Env, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).OpenAsync();
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(WorkingDirectory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Every log file of the data directory, read while a server may still be writing to it.</summary>
    public string LogText() => string.Join("\n", Directory.GetFiles(Path.Combine(DataDirectory, "logs")).Select(path =>
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }));

    public void Dispose() => _directory.Dispose();
}
