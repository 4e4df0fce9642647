using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data;
using MetaBackup.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Server.Testing;

/// <summary>
/// The real server, in this process, on a free loopback port (Kestrel), over a data directory of its own and the database the tests
/// run on (<see cref="TestDatabase"/>): the start-up gate runs as in <c>serve</c>. Disposing stops it and deletes the directory.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private WebApplication _app;

    private RunningServer(TempDirectory directory, WebApplication app, ServerSettings settings, Dictionary<string, string?> environment)
    {
        _directory = directory;
        _app = app;
        Settings = settings;
        Environment = environment;
        Address = new Uri(ServerApp.Addresses(app)[0]);
    }

    public Uri Address { get; private set; }

    public ServerSettings Settings { get; }

    public Dictionary<string, string?> Environment { get; }

    public DataDirectory DataDirectory => Settings.DataDirectory;

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server on a new, empty data directory with system key <paramref name="systemKey"/>.</summary>
    public static Task<RunningServer> StartAsync(string systemKey = TestKeys.A, Func<ServerSettings, ServerSettings>? configure = null)
    {
        var environment = new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = systemKey };
        TestDatabase.Provide(environment);
        return StartAsync(environment, configure);
    }

    /// <summary>
    /// Another instance on <paramref name="other"/>'s database, with a data directory of its own and the same system key,
    /// as a second machine would run (docs/database.md, "Several instances").
    /// </summary>
    public static Task<RunningServer> StartOnSameDatabaseAsync(RunningServer other, Func<ServerSettings, ServerSettings>? configure = null)
    {
        var environment = new Dictionary<string, string?>(other.Environment);
        environment[DatabaseSetting.Variable] = environment.GetValueOrDefault(DatabaseSetting.Variable) ?? $"sqlite:{other.DataDirectory.DatabasePath}";
        return StartAsync(environment, configure);
    }

    private static async Task<RunningServer> StartAsync(Dictionary<string, string?> environment, Func<ServerSettings, ServerSettings>? configure)
    {
        var directory = new TempDirectory();
        var settings = new ServerSettings(new DataDirectory(directory.Combine("data")), name => environment.GetValueOrDefault(name))
        {
            Urls = "http://127.0.0.1:0",
            LogToConsole = false,
            RunScheduler = false,
        };
        settings = configure?.Invoke(settings) ?? settings;
        var app = ServerApp.Build(settings, NullLoggerFactory.Instance);
        await app.Services.GetRequiredService<Hosting.StartupGate>().PassAsync(CancellationToken.None);
        await app.StartAsync();
        return new RunningServer(directory, app, settings, environment);
    }

    /// <summary>Stops the server and starts it again on the same data directory and port, as a restart would.</summary>
    public async Task RestartAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = ServerApp.Build(Settings with { Urls = Address.GetLeftPart(UriPartial.Authority) }, NullLoggerFactory.Instance);
        await _app.Services.GetRequiredService<Hosting.StartupGate>().PassAsync(CancellationToken.None);
        await _app.StartAsync();
        Address = new Uri(ServerApp.Addresses(_app)[0]);
    }

    /// <summary>A client with its own cookies, recording every response it receives.</summary>
    public ApiClient Client(ResponseLog? log = null) => new(Address, log ?? new ResponseLog());

    /// <summary>The database as text, without the tables that record rather than configure (audit, API key use, import sessions).</summary>
    public string ConfigurationDump()
    {
        string[] records = ["audit_events", "api_key_usage", "import_sessions"];
        var tables = DatabaseDump.Of(Environment, DataDirectory.DatabasePath).Split("## ").Where(t => !records.Any(r => t.StartsWith(r, StringComparison.Ordinal)));
        return string.Join("\n", tables.SelectMany(t => t.Split('\n')).Where(line => !records.Any(r => line.StartsWith($"name={r} ", StringComparison.Ordinal))));
    }

    /// <summary>What is staged in the data directory now — export staging, import sessions' backups (nothing when none).</summary>
    public IReadOnlyList<string> StagedFiles() =>
        [.. new[] { DataDirectory.StagingDirectory, DataDirectory.ImportsDirectory }.Where(Directory.Exists).SelectMany(Directory.EnumerateFileSystemEntries)];

    /// <summary>Opens the server's store directly, as an operator at the machine would.</summary>
    public Task<ConfigurationSession> OpenStoreAsync() =>
        new ConfigurationStore(DataDirectory, DatabaseProviders.For(DataDirectory, name => Environment.GetValueOrDefault(name)), name => Environment.GetValueOrDefault(name), NullLoggerFactory.Instance)
            .OpenAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}
