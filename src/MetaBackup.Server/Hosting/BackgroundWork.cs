using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server.Hosting;

/// <summary>The run queue's one worker: runs queued Configuration Backup runs one after another (docs/api.md, "Run now").</summary>
public sealed class RunWorker(BackgroundRunQueue queue) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => queue.RunWorkerAsync(stoppingToken);
}

/// <summary>The Configuration Backup scheduler: hands due runs to the same queue as Run now.</summary>
public sealed class SchedulerService(ConfigurationStore store, BackgroundRunQueue queue, TimeProvider clock, ILogger<ConfigBackupScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new ConfigBackupScheduler(ct => store.OpenAsync(Core.Access.Actor.System, ct), queue, clock, logger).RunAsync(stoppingToken);
}

/// <summary>Ends import sessions unused for too long, and removes their staged backups (docs/api.md, "Import sessions"): at start, then every half minute.</summary>
public sealed class ImportSessionSweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ImportSessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var app = scope.ServiceProvider.GetRequiredService<MetaBackup.Hosting.MetaBackupScope>();
                app.Actor = Core.Access.Actor.System;
                if (await app.RunAsync(new Core.Application.EndExpiredImportSessions(), stoppingToken) is > 0 and var ended)
                {
                    logger.LogInformation("Ended {Count} import session(s) unused for too long; their staged backups were removed", ended);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not end expired import sessions: {Reason}", e.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(30), clock, stoppingToken);
        }
    }
}
