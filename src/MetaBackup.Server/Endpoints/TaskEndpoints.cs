using MetaBackup.Core.Application;
using MetaBackup.Core.Scheduling;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>
/// <c>/api/v1/tasks</c>: the Configuration Backup task — its status (settings, next run, last run), Run now (202 with
/// the run, whose status is polled at its Location), and the runs' history (docs/api.md, "Run now").
/// </summary>
public static class TaskEndpoints
{
    public static RouteGroupBuilder MapTaskEndpoints(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/config-backup", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowConfigBackupStatus(), ct)))
            .WithName("Tasks.configBackup").WithSummary("The Configuration Backup task: its settings, when it runs next, and its last run.");
        tasks.MapGet("/config-backup/attention", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowAttention(), ct)))
            .WithName("Tasks.attention").WithSummary("What needs attention for the configuration to stay recoverable (the dashboard's list).");
        tasks.MapGet("/config-backup/schedule-preview", async (string schedule, string? timeZone, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new PreviewSchedule(schedule, timeZone ?? "UTC"), ct)))
            .WithName("Tasks.schedulePreview").WithSummary("The next three times a cron expression comes due in a time zone.");
        tasks.MapPost("/config-backup/runs", async Task<Accepted<TaskRun>> (MetaBackupScope app, CancellationToken ct) =>
            {
                var run = await app.RunAsync(new RunConfigBackupNow(), ct);
                return TypedResults.Accepted($"/api/v1/tasks/runs/{run.Id}", run);
            })
            .WithName("Tasks.runNow").WithSummary("Run now: queue a run of the Configuration Backup (one at a time: 409 with the run in progress). Poll its Location for the status.");
        tasks.MapGet("/runs", async (int? limit, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListTaskRuns(limit ?? 20), ct)))
            .WithName("Tasks.runs").WithSummary("The task runs, newest first.");
        tasks.MapGet("/runs/{id:long}", async (long id, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowTaskRun(id), ct)))
            .WithName("Tasks.run").WithSummary("One run: queued, running, succeeded, failed or interrupted; its file, size, checksum, attempts and error.");
        return api;
    }
}
