using MetaBackup.Core.IO;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace MetaBackup.Server.Hosting;

/// <summary>
/// The server's logs (docs/api.md, "Running the server"): the console, and daily files in the data directory's
/// <c>logs/</c> (owner-only, kept a month, shared with the CLI's), at the configured level. Nothing logged
/// carries a secret: requests are logged by method, path and status, never by body or header.
/// </summary>
public static class ServerLogging
{
    public static ILoggerFactory Create(ServerSettings settings)
    {
        PrivateFile.CreateDirectory(settings.DataDirectory.LogsDirectory);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(LevelOf(settings.LogLevel))
            .MinimumLevel.Override("Microsoft.AspNetCore", LevelOf(LogLevel.Warning) > LevelOf(settings.LogLevel) ? LevelOf(LogLevel.Warning) : LevelOf(settings.LogLevel))
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .WriteTo.File(
                Path.Combine(settings.DataDirectory.LogsDirectory, "metabackup-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 31,
                shared: true,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        if (settings.LogToConsole)
        {
            configuration.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose);
        }

        return new SerilogLoggerFactory(configuration.CreateLogger(), dispose: true);
    }

    private static LogEventLevel LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
