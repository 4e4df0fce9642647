using System.CommandLine;
using MetaBackup.Cli.Input;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Access;
using MetaBackup.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
    private ServiceProvider? _services;
    private AsyncServiceScope? _scope;

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
    public Task<TResult> RunAsync<TResult>(Operation<TResult> operation, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(DataDirectory.Root))
        {
            throw new NotInitializedException(DataDirectory.Root);
        }

        return Scope.RunAsync(operation, cancellationToken);
    }

    /// <summary>MetaBackup's services for this data directory, composed as the server composes them (MetaBackup.Hosting).</summary>
    public IServiceProvider Services => _services ??= new ServiceCollection()
        .AddSingleton(Directory.Exists(DataDirectory.Root) ? Logs : NullLoggerFactory.Instance)
        .AddMetaBackup(DataDirectory, Host.Environment, runsAlone: true)
        .BuildServiceProvider();

    /// <summary>The command's unit of work, acting as the operator at this command line.</summary>
    private MetaBackupScope Scope
    {
        get
        {
            _scope ??= Services.CreateAsyncScope();
            var scope = _scope.Value.ServiceProvider.GetRequiredService<MetaBackupScope>();
            scope.Actor = _operator ??= Actor.Operator(Host.OperatorName);
            return scope;
        }
    }

    private Actor? _operator;

    /// <summary>The configuration store of the data directory.</summary>
    public ConfigurationStore Store => Services.GetRequiredService<ConfigurationStore>();

    /// <summary>The failure as a conflict to run again (another command held or changed the database), or null.</summary>
    public Core.Configuration.ConflictException? DatabaseConflict(Exception failure) =>
        _services is null ? null : DatabaseErrors.AsConflict(failure, _services.GetRequiredService<IDatabaseProvider>());

    public async ValueTask DisposeAsync()
    {
        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
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
