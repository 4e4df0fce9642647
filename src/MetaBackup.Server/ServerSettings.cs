using MetaBackup.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server;

/// <summary>
/// How a server runs (docs/api.md, "Running the server"). Each setting has a default fit for one machine and can be
/// changed by an environment variable; <c>--urls</c> overrides <see cref="UrlsVariable"/>.
/// </summary>
public sealed record ServerSettings(DataDirectory DataDirectory, Func<string, string?> Environment)
{
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const string UrlsVariable = "METABACKUP_URLS";
    public const string LogLevelVariable = "METABACKUP_LOG_LEVEL";
    public const string MaxUploadVariable = "METABACKUP_MAX_UPLOAD_MB";
    public const string SchedulerVariable = "METABACKUP_SCHEDULER";

    /// <summary>Where to listen; loopback only unless told otherwise.</summary>
    public string Urls { get; init; } = Environment(UrlsVariable) is { Length: > 0 } urls ? urls : DefaultUrls;

    /// <summary>The least level logged, to the console and to the data directory's logs.</summary>
    public LogLevel LogLevel { get; init; } = ParseLogLevel(Environment(LogLevelVariable));

    /// <summary>Whether to log to the console as well as to the data directory (tests turn it off).</summary>
    public bool LogToConsole { get; init; } = true;

    /// <summary>The server's clock: the system's, or for tests a faster one shared by several processes (<see cref="Hosting.ScaledClock"/>).</summary>
    public TimeProvider Clock { get; init; } = Hosting.ScaledClock.Parse(Environment(Hosting.ScaledClock.Variable)) ?? TimeProvider.System;

    /// <summary>The largest backup an import session accepts as an upload (a clear 413 above it).</summary>
    public long MaxUploadBytes { get; init; } = (long.TryParse(Environment(MaxUploadVariable), out var mb) && mb > 0 ? mb : 64) * 1024 * 1024;

    /// <summary>How long an import session lives without being used; its staged file goes with it.</summary>
    public TimeSpan ImportSessionIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Sign-in attempts (and first-administrator set-ups) one client address may make per minute.</summary>
    public int SignInAttemptsPerMinute { get; init; } = 10;

    /// <summary>
    /// Whether the Configuration Backup scheduler runs in this server: <c>METABACKUP_SCHEDULER=off</c> turns it off, e.g.
    /// in an instance kept for the web UI only. Several instances' schedulers may all run: each occurrence is claimed once in
    /// the database (docs/database.md, "Several instances").
    /// </summary>
    public bool RunScheduler { get; init; } = ParseSwitch(SchedulerVariable, Environment(SchedulerVariable));

    private static bool ParseSwitch(string variable, string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new InvalidInputException($"{variable} is '{text}', which is neither on nor off.", "Use on or off."),
    };

    private static LogLevel ParseLogLevel(string? text) =>
        text is null or "" ? LogLevel.Information
        : Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level
        : throw new InvalidInputException(
            $"{LogLevelVariable} is '{text}', which is not a log level.",
            $"Use one of {string.Join(", ", Enum.GetNames<LogLevel>())}.");
}
