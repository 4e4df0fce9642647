using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server;

/// <summary>What the server needs from its caller: where it listens and how to reach the configuration.</summary>
public sealed record ServerOptions(
    string Urls,
    DataDirectory DataDirectory,
    Func<CancellationToken, Task<ConfigurationSession>> OpenSession,
    BackupStores Stores,
    ILoggerFactory LoggerFactory,
    TimeProvider Clock);

/// <summary>
/// The long-running server: an HTTP host with a health endpoint, and the Configuration Backup
/// scheduler as a hosted service. Runs until the token is cancelled (SIGINT / SIGTERM).
/// </summary>
public static class ServerHost
{
    public static async Task RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        await using (var session = await options.OpenSession(cancellationToken))
        {
            await InterruptedWork.RecoverAsync(session, options.DataDirectory, options.Stores, cancellationToken);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<SchedulerService>();
        await using var app = builder.Build();
        app.MapGet("/health", (CancellationToken ct) => HealthAsync(options, ct));
        options.LoggerFactory.CreateLogger("MetaBackup.Server").LogInformation("Serving on {Urls}", options.Urls);
        await app.RunAsync(cancellationToken);
    }

    /// <summary>GET /health: the database answers, and the configuration backup task's state.</summary>
    private static async Task<IResult> HealthAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await options.OpenSession(cancellationToken);
            var settings = await new SettingsService(session).ConfigBackupAsync(cancellationToken);
            var last = await session.Db.TaskRuns.AsNoTracking().Where(r => r.Task == ConfigBackupTask.Name).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            return Results.Ok(new
            {
                status = "ok",
                configBackup = new
                {
                    enabled = settings.Enabled,
                    nextRun = ConfigBackupScheduler.NextRun(settings, options.Clock.GetUtcNow()),
                    lastRun = last is null ? null : new { trigger = last.Trigger.ToString().ToLowerInvariant(), startedAt = last.StartedAt, status = last.Status.ToString().ToLowerInvariant(), file = last.File, error = last.Error },
                },
            });
        }
        catch (MetaBackupException e)
        {
            return Results.Json(new { status = "unavailable", error = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private sealed class SchedulerService(ServerOptions options) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            new ConfigBackupScheduler(options.OpenSession, options.DataDirectory, options.Stores, options.Clock, options.LoggerFactory.CreateLogger<ConfigBackupScheduler>())
                .RunAsync(stoppingToken);
    }
}
