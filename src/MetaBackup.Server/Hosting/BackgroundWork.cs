using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
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

/// <summary>
/// Closes the runs whose instance died, once their claim has run out (docs/database.md, "Several instances"): every
/// lease's length, so that a killed instance's run is marked interrupted within two leases even when no other run is
/// claimed meanwhile. Every instance sweeps; the database lets one close each run.
/// </summary>
public sealed class LeftOverRunSweeper(ConfigurationStore store, BackupStores stores, RunClaimant claimant, ILogger<LeftOverRunSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // The start-up gate swept once already; real time, as leases are.
            await Task.Delay(claimant.Lease, TimeProvider.System, stoppingToken);
            try
            {
                await using var session = await store.OpenAsync(Core.Access.Actor.System, stoppingToken);
                await new ConfigBackupTask(session, store.DataDirectory, stores).CloseLeftOverRunsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not close left-over configuration backup runs: {Reason}", e.Message);
            }
        }
    }
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
