using MetaBackup.Core.Application;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A secret an applied import left missing (as GET …/missing-secrets lists it) and its value.</summary>
public sealed record EnterSecretRequest(string Area, string RecordId, string Field, SecretText Value);

/// <summary>A backup to import from a storage destination.</summary>
public sealed record ImportFromDestination(string Storage, string File);

/// <summary>The key for the session's backup, as a Recovery Kit's text or 64 hex characters (exactly one).</summary>
public sealed record ImportKeyRequest(SecretText? Kit = null, SecretText? Key = null);

/// <summary>What to plan: the mode, and for selective the areas (and records) to import.</summary>
public sealed record PlanRequest(ImportMode Mode, List<string>? Areas = null, List<string>? Ids = null);

/// <summary>Apply the plan with this digest — the one last shown; a plan that went stale is refused with 409.</summary>
public sealed record ApplyRequest(string PlanDigest);

/// <summary>
/// <c>/api/v1/imports</c>, import as a session (docs/api.md, "Import sessions"): upload a backup (or pick one in a
/// destination) → supply its key if the vault has none that opens it → the validation result → a plan for a mode,
/// areas and records → apply exactly that plan → the result. The sessions and their rules are the application
/// layer's (<see cref="StartImportUpload"/> …); these routes only carry them over HTTP.
/// </summary>
public static class ImportEndpoints
{
    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Import");

        imports.MapPost("/upload", async Task<Created<ImportSessionView>> (string? name, HttpContext context, MetaBackupScope app, CancellationToken ct) =>
            {
                // Allowed first, so that nobody without the permission fills the disk with uploads.
                await app.RunAsync(new ContinueImport(), ct);
                var limit = app.Services.Imports.MaxUploadBytes;
                if (context.Request.ContentLength > limit)
                {
                    throw app.Services.Imports.UploadTooLarge();
                }

                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                {
                    bodyLimit.MaxRequestBodySize = limit + 1;
                }

                return Created(await app.RunAsync(new StartImportUpload(context.Request.Body, name), ct));
            })
            .Accepts<Stream>("application/octet-stream")
            .WithName("Imports.upload")
            .WithSummary("Start an import session with an uploaded backup (the request body, as application/octet-stream; ?name= its file name). Validates it at once.");

        imports.MapPost("/from-destination", async Task<Created<ImportSessionView>> (ImportFromDestination request, MetaBackupScope app, CancellationToken ct) =>
                Created(await app.RunAsync(new StartImportFromDestination(request.Storage, request.File), ct)))
            .WithName("Imports.fromDestination").WithSummary("Start an import session with a backup in a storage destination (see GET /api/v1/backups). Validates it at once.");

        imports.MapGet("/{id}", async (string id, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowImportSession(id), ct)))
            .WithName("Imports.show").WithSummary("Where the session stands: needsKey, refused, valid, planned or applied; the validation result, the plan, the result.");

        imports.MapPost("/{id}/key", async (string id, ImportKeyRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new SupplyImportKey(id, SuppliedKey.From(request.Kit, request.Key, "the key in the request")), ct)))
            .WithName("Imports.key").WithSummary("Supply the key for the backup (a Recovery Kit or hex); it is validated again with it. A wrong key answers 422 and changes nothing.");

        imports.MapPost("/{id}/plan", async (string id, PlanRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new PlanImportSession(id, request.Mode, request.Areas, request.Ids), ct)))
            .WithName("Imports.plan").WithSummary("Plan the import in a mode (full, merge, selective with areas and ids): per record create, update (changed fields), delete, skip (reason) or unchanged. Changes nothing.");

        imports.MapPost("/{id}/apply", async (string id, ApplyRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new ApplyImportSession(id, request.PlanDigest), ct)))
            .WithName("Imports.apply").WithSummary("Apply exactly the plan with this digest — after a safety snapshot, in one transaction — or 409 when the configuration changed since it was shown. The result stays in the session.");

        imports.MapGet("/{id}/missing-secrets", async (string id, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListMissingSecrets(id), ct)))
            .WithName("Imports.missingSecrets").WithSummary("The secrets the applied import left out (a backup made without secrets) that are still missing now.");

        imports.MapPost("/{id}/missing-secrets", async (string id, EnterSecretRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new EnterMissingSecret(id, request.Area, request.RecordId, request.Field, request.Value), ct)))
            .WithName("Imports.enterSecret").WithSummary("Enter one of those secrets (needs the area's write permission); it leaves the list.");

        imports.MapDelete("/{id}", async (string id, MetaBackupScope app, CancellationToken ct) =>
            {
                await app.RunAsync(new EndImportSession(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("Imports.end").WithSummary("End the session; its staged backup is removed.");
        return api;
    }

    private static Created<ImportSessionView> Created(ImportSessionView session) => TypedResults.Created($"/api/v1/imports/{session.Id}", session);
}
