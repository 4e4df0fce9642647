using System.CommandLine;
using MetaBackup.Cli.Input;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;
using Serilog.Extensions.Logging;

namespace MetaBackup.Cli;

/// <summary>
/// Everything one command invocation needs: its parsed arguments, output, secret input, and the
/// configuration store of the chosen data directory. Owns the log file writer for the run.
/// </summary>
public sealed class CommandContext(ParseResult parse, CliHost host) : IAsyncDisposable
{
    private ILoggerFactory? _loggerFactory;
    private IDatabaseProvider? _database;
    private ConfigurationSession? _session;

    public ParseResult Parse { get; } = parse;

    public CliHost Host { get; } = host;

    public Printer Print { get; } = new(host.Out, host.Error, parse.GetValue(GlobalOptions.Json), parse.GetValue(GlobalOptions.Quiet));

    public SecretReader Secrets { get; } = new(host);

    public DataDirectory DataDirectory { get; } = new(ResolveDataDir(parse, host));

    /// <summary>The logger factory; it writes to &lt;data dir&gt;/logs once the data directory exists.</summary>
    public ILoggerFactory Logs => _loggerFactory ??= CreateLoggerFactory();

    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>Runs one of MetaBackup's operations as the operator — the CLI's only way into the configuration.</summary>
    public async Task<TResult> RunAsync<TResult>(Operation<TResult> operation, CancellationToken cancellationToken)
    {
        var session = await OpenAsync(cancellationToken);
        var services = new ApplicationServices(DataDirectory, Store().Keys, Composition.Stores, Composition.ConnectionTesters);
        return await new MetaBackupApplication(session, services).RunAsync(operation, cancellationToken);
    }

    /// <summary>The database the configuration lives in (<c>METABACKUP_DATABASE</c>, else SQLite in the data directory).</summary>
    public IDatabaseProvider Database => _database ??= DatabaseProviders.For(DataDirectory, Host.Environment);

    /// <summary>The failure as a conflict to run again (another command held or changed the database), or null.</summary>
    public Core.Configuration.ConflictException? DatabaseConflict(Exception failure) =>
        _database is null ? null : DatabaseErrors.AsConflict(failure, _database);

    public ConfigurationStore Store() => new(
        DataDirectory,
        Database,
        Host.Environment,
        Directory.Exists(DataDirectory.Root) ? Logs : NullLoggerFactory.Instance,
        actor: Core.Access.Actor.Operator(Host.OperatorName));

    /// <summary>Opens the initialised store (checking the system key); disposed with the context.</summary>
    public async Task<ConfigurationSession> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(DataDirectory.Root))
        {
            throw new NotInitializedException(DataDirectory.Root);
        }

        return _session ??= await Store().OpenAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        _loggerFactory?.Dispose();
    }

    private static string ResolveDataDir(ParseResult parse, CliHost host)
    {
        var path = parse.GetValue(GlobalOptions.DataDir) ?? host.Environment(DataDirectory.EnvironmentVariable) ?? DataDirectory.DefaultPath;
        return Path.IsPathRooted(path) ? path : Path.Combine(host.CurrentDirectory, path);
    }

    private ILoggerFactory CreateLoggerFactory()
    {
        if (!Directory.Exists(DataDirectory.Root))
        {
            return NullLoggerFactory.Instance;
        }

        Core.IO.PrivateFile.CreateDirectory(DataDirectory.LogsDirectory);
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.File(
                Path.Combine(DataDirectory.LogsDirectory, "metabackup-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 31,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        return new SerilogLoggerFactory(logger, dispose: true);
    }
}
