using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;
using MetaBackup.Core.IO;
using MetaBackup.Core.Vault;
using MetaBackup.Hosting;
using MetaBackup.Server.Http;
using MetaBackup.Server.Imports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A backup to import from a storage destination.</summary>
public sealed record ImportFromDestination(string Storage, string File);

/// <summary>The key for the session's backup, as a Recovery Kit's text or 64 hex characters (exactly one).</summary>
public sealed record ImportKeyRequest(Core.Secrets.SecretText? Kit = null, Core.Secrets.SecretText? Key = null);

/// <summary>What to plan: the mode, and for selective the areas (and records) to import.</summary>
public sealed record PlanRequest(ImportMode Mode, List<string>? Areas = null, List<string>? Ids = null);

/// <summary>Apply the plan with this digest — the one last shown; a plan that went stale is refused with 409.</summary>
public sealed record ApplyRequest(string PlanDigest);

/// <summary>
/// <c>/api/v1/imports</c>, import as a session (docs/api.md, "Import sessions"): upload a backup (or pick one in a
/// destination) → supply its key if the vault has none that opens it → the validation result → a plan for a mode,
/// areas and records → apply exactly that plan → the result. The upload has a size limit (413 above it); the staged
/// file is owner-only in the data directory and removed when the session ends or expires.
/// </summary>
public static class ImportEndpoints
{
    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Import");

        imports.MapPost("/upload", async Task<Created<ImportSessionView>> (string? name, HttpContext context, MetaBackupScope app, ImportSessions sessions, ServerSettings settings, DataDirectory dataDirectory, CancellationToken ct) =>
            {
                // Allowed first, so that nobody without the permission fills the disk with uploads.
                await app.RunAsync(new ContinueImport(), ct);
                var limit = settings.MaxUploadBytes;
                if (context.Request.ContentLength > limit)
                {
                    throw TooLarge(limit);
                }

                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                {
                    bodyLimit.MaxRequestBodySize = limit;
                }

                var staging = StagingArea.Create(dataDirectory);
                try
                {
                    var path = staging.Combine("upload");
                    await using (var file = PrivateFile.CreateNew(path))
                    {
                        await CopyAtMostAsync(context.Request.Body, file, limit, ct);
                    }

                    return await StartAsync(app, sessions, staging, path, Path.GetFileName(name ?? "upload"), ct);
                }
                catch
                {
                    staging.Dispose();
                    throw;
                }
            })
            .Accepts<Stream>("application/octet-stream")
            .WithName("Imports.upload")
            .WithSummary("Start an import session with an uploaded backup (the request body, as application/octet-stream; ?name= its file name). Validates it at once.");

        imports.MapPost("/from-destination", async Task<Created<ImportSessionView>> (ImportFromDestination request, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
            {
                var staged = await app.RunAsync(new FetchBackup(request.Storage, request.File), ct);
                try
                {
                    return await StartAsync(app, sessions, staged, staged.Path, $"{request.Storage}:{request.File}", ct);
                }
                catch
                {
                    staged.Dispose();
                    throw;
                }
            })
            .WithName("Imports.fromDestination").WithSummary("Start an import session with a backup in a storage destination (see GET /api/v1/backups). Validates it at once.");

        imports.MapGet("/{id}", async (string id, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
            {
                await app.RunAsync(new ContinueImport(), ct);
                return TypedResults.Ok(View(sessions, sessions.Get(id, app.Actor.Name)));
            })
            .WithName("Imports.show").WithSummary("Where the session stands: needsKey, refused, valid or planned; the validation result and the plan.");

        imports.MapPost("/{id}/key", (string id, ImportKeyRequest request, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
                WithSessionAsync(sessions, id, app, async session =>
                {
                    var supplied = SuppliedKey.From(request.Kit, request.Key, "the key in the request");
                    await ValidateAsync(app, session, supplied.Key, ct);
                    return TypedResults.Ok(View(sessions, session));
                }))
            .WithName("Imports.key").WithSummary("Supply the key for the backup (a Recovery Kit or hex); it is validated again with it. A wrong key answers 422 and changes nothing.");

        imports.MapPost("/{id}/plan", (string id, PlanRequest request, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
                WithSessionAsync(sessions, id, app, async session =>
                {
                    if (session.State is ImportSessionState.NeedsKey or ImportSessionState.Refused)
                    {
                        throw new MetaBackupException(session.Refusal ?? "The backup has not passed validation.", "Supply the right key first.", null, ErrorCode.BackupRefused);
                    }

                    var options = new ImportOptions(request.Mode, request.Areas, request.Ids, DryRun: true);
                    var outcome = await app.RunAsync(new ImportBackup(new BackupInput.File(session.Path), options, session.Key), ct);
                    session.PlannedOptions = options with { DryRun = false };
                    session.Plan = outcome.Plan;
                    session.Backup = outcome.Backup;
                    session.State = ImportSessionState.Planned;
                    return TypedResults.Ok(View(sessions, session));
                }))
            .WithName("Imports.plan").WithSummary("Plan the import in a mode (full, merge, selective with areas and ids): per record create, update (changed fields), delete, skip (reason) or unchanged. Changes nothing.");

        imports.MapPost("/{id}/apply", (string id, ApplyRequest request, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
                WithSessionAsync(sessions, id, app, async session =>
                {
                    if (session.PlannedOptions is not { } options || session.Plan is null)
                    {
                        throw new InvalidInputException("There is no plan to apply yet.", "Ask for a plan first, read it, then apply it by its digest.", new Dictionary<string, string> { ["field"] = "planDigest" });
                    }

                    var outcome = await app.RunAsync(new ImportBackup(new BackupInput.File(session.Path), options, session.Key, ExpectedPlan: request.PlanDigest), ct);
                    sessions.End(session);
                    return TypedResults.Ok(outcome);
                }))
            .WithName("Imports.apply").WithSummary("Apply exactly the plan with this digest — after a safety snapshot, in one transaction — or 409 when the configuration changed since it was shown. Ends the session.");

        imports.MapDelete("/{id}", async (string id, MetaBackupScope app, ImportSessions sessions, CancellationToken ct) =>
            {
                await app.RunAsync(new ContinueImport(), ct);
                sessions.End(sessions.Get(id, app.Actor.Name));
                return TypedResults.NoContent();
            })
            .WithName("Imports.end").WithSummary("End the session; its staged backup is removed.");
        return api;
    }

    private static async Task<Created<ImportSessionView>> StartAsync(MetaBackupScope app, ImportSessions sessions, IDisposable staging, string path, string source, CancellationToken ct)
    {
        var session = sessions.Add(app.Actor.Name, source, staging, path);
        try
        {
            await ValidateAsync(app, session, null, ct);
        }
        catch (MetaBackupException e) when (e.Code == ErrorCode.BackupRefused)
        {
            // Kept in the session: the state says what to do next (supply a key, try another).
        }
        catch
        {
            sessions.End(session);
            throw;
        }

        return TypedResults.Created($"/api/v1/imports/{session.Id}", View(sessions, session));
    }

    /// <summary>Validates the session's backup with a key (or the vault's); a refusal is recorded in the session, and thrown when a key was given.</summary>
    private static async Task ValidateAsync(MetaBackupScope app, ImportSession session, Core.Secrets.AesKey? key, CancellationToken ct)
    {
        try
        {
            var outcome = await app.RunAsync(new ValidateBackup(new BackupInput.File(session.Path), key ?? session.Key), ct);
            session.Key = key ?? session.Key;
            session.Backup = outcome.Backup;
            session.Refusal = null;
            session.Plan = null;
            session.PlannedOptions = null;
            session.State = ImportSessionState.Valid;
        }
        catch (MetaBackupException e) when (e.Code == ErrorCode.BackupRefused)
        {
            if (key is null)
            {
                session.State = e.Details.ContainsKey("needsKey") ? ImportSessionState.NeedsKey : ImportSessionState.Refused;
                session.Refusal = e.Message;
            }

            throw;
        }
    }

    private static async Task<TResult> WithSessionAsync<TResult>(ImportSessions sessions, string id, MetaBackupScope app, Func<ImportSession, Task<TResult>> work)
    {
        await app.RunAsync(new ContinueImport(), CancellationToken.None);
        var session = sessions.Get(id, app.Actor.Name);
        await session.Gate.WaitAsync();
        try
        {
            return await work(session);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private static ImportSessionView View(ImportSessions sessions, ImportSession session) =>
        new(session.Id, session.Source, session.State, session.Backup, session.Refusal, session.Plan, sessions.ExpiresAt(session));

    private static async Task CopyAtMostAsync(Stream from, Stream to, long limit, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw TooLarge(limit);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }

    private static MetaBackupException TooLarge(long limit) => new(
        $"The upload is larger than this server accepts ({(limit >= 1024 * 1024 ? $"{limit / (1024 * 1024)} MiB" : $"{limit / 1024} KiB")}).",
        $"Import it from a storage destination instead, or raise {ServerSettings.MaxUploadVariable}.",
        null,
        ErrorCode.TooLarge,
        new Dictionary<string, string> { ["limitBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
