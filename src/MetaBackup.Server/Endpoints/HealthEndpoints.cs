using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>The last configuration backup as monitoring sees it; <see cref="Problem"/> says why scheduled backups are on hold, when they are.</summary>
public sealed record ConfigBackupHealthReport(ConfigBackupHealth Status, bool? Enabled, DateTimeOffset? NextRun, HealthRun? LastRun, string? Problem);

/// <summary>A run, as /health shows it.</summary>
public sealed record HealthRun(Core.Scheduling.RunTrigger Trigger, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, Core.Scheduling.RunStatus Status, string? File, string? Error);

/// <summary>Whether the server can serve, and — separately — how the configuration backups fare.</summary>
public sealed record HealthReport(string Status, string? Error, ConfigBackupHealthReport? ConfigBackup);

/// <summary>
/// <c>GET /health</c> (docs/api.md, "Health"), open to anyone: 200 when the server can serve (its database answers
/// and its system key is right), else 503 with the reason. The last configuration backup is reported beside it —
/// a failed backup shows as <c>configBackup.status: failing</c> without making the server unhealthy, so that
/// monitoring can alert on each separately. It shows no secret and no configuration beyond the task's state.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> (ConfigurationStore store, ApplicationServices services, CancellationToken ct) =>
            {
                ConfigurationSession session;
                try
                {
                    session = await store.OpenAsync(Actor.System, ct);
                }
                catch (MetaBackupException e)
                {
                    return TypedResults.Json(new HealthReport("unavailable", e.Message, null), ApiJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
                }

                await using (session)
                {
                    return TypedResults.Ok(new HealthReport("ok", null, await ConfigBackupAsync(new MetaBackupApplication(session, services), ct)));
                }
            })
            .AllowAnonymous().WithTags("Health").WithName("Health").WithSummary("Whether the server can serve (200/503), and the last configuration backup's status.");
        return app;
    }

    private static async Task<ConfigBackupHealthReport> ConfigBackupAsync(MetaBackupApplication application, CancellationToken ct)
    {
        try
        {
            var status = await application.RunAsync(new ShowConfigBackupStatus(), ct);
            var last = status.LastRun is { } run ? new HealthRun(run.Trigger, run.StartedAt, run.EndedAt, run.Status, run.File, run.Error) : null;
            return new ConfigBackupHealthReport(status.Health, status.Enabled, status.NextRun, last, null);
        }
        catch (MetaBackupException e)
        {
            // A stored setting that does not hold here (a time zone this machine lacks) puts the backups on hold, not the server.
            return new ConfigBackupHealthReport(ConfigBackupHealth.Failing, null, null, null, $"Scheduled configuration backups are on hold: {e.Message}");
        }
    }
}
