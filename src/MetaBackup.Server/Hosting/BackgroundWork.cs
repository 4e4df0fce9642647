using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
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
