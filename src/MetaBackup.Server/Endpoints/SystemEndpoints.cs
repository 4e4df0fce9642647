using MetaBackup.Core.Application;
using MetaBackup.Core.Secrets;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A system key rotation: the new key as 64 hex characters — required when the key comes from the environment, generated when it lives in the data directory.</summary>
public sealed record RotationRequest(SecretText? NewKey = null);

/// <summary>
/// The rest of the API's resources: the backups in a destination, the system key (fingerprint, rotation), the
/// safety snapshots imports take, and the audit log.
/// </summary>
public static class SystemEndpoints
{
    public static RouteGroupBuilder MapSystemEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/backups", async (string storage, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListBackups(storage), ct)))
            .WithTags("Backups").WithName("Backups.list").WithSummary("The configuration backups in a storage destination, newest first (from their sidecars).");

        var key = api.MapGroup("/system-key").WithTags("System key");
        key.MapGet("/", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowSystemKey(), ct)))
            .WithName("SystemKey.show").WithSummary("The system key's fingerprint and where it comes from (never the key).");
        key.MapPost("/rotate", async (RotationRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new RotateSystemKey(request.NewKey is { } hex ? AesKey.FromHex(hex.Reveal(), "the new key in the request") : null), ct)))
            .WithName("SystemKey.rotate").WithSummary("Re-encrypt every stored secret under a new system key, in one transaction. Own permission; audited.");

        var snapshots = api.MapGroup("/snapshots").WithTags("Safety snapshots");
        snapshots.MapGet("/", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListSnapshots(), ct)))
            .WithName("Snapshots.list").WithSummary("The safety snapshots imports took before changing anything, newest first.");
        snapshots.MapPost("/{name}/rollback", async (string name, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new RollBackToSnapshot(name), ct)))
            .WithName("Snapshots.rollback").WithSummary("Roll the configuration back to a safety snapshot: a full import of it (planned, snapshotted itself, one transaction, audited).");

        api.MapGet("/audit", async (string? actor, string? action, DateTimeOffset? since, DateTimeOffset? until, int? limit, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new ListAuditEvents(actor, action, since, until, limit ?? 100), ct)))
            .WithTags("Audit").WithName("Audit.list").WithSummary("The audit log, newest first: who did what, to what, when and from where. Filter by actor, action prefix and time.");
        return api;
    }
}
