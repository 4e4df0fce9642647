using System.Text.Json.Serialization;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Format;
using MetaBackup.Hosting;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>
/// What to export (docs/recovery.md, "Export"): secrets only with a profile; without one the profile in
/// <c>config.backup.encryptionProfileId</c> is used unless <c>noEncryption</c>.
/// </summary>
public sealed record ExportOptionsRequest(bool IncludeSecrets = false, string? Profile = null, bool NoEncryption = false, BackupCompression Compression = BackupCompression.Gzip, bool ContinueOnSecretErrors = false)
{
    [JsonIgnore]
    public ExportRequest Request => new(IncludeSecrets, Profile, NoEncryption, Compression, ContinueOnSecretErrors);
}

/// <summary>An export to a storage destination.</summary>
public sealed record ExportToDestinationRequest(string Storage, bool IncludeSecrets = false, string? Profile = null, bool NoEncryption = false, BackupCompression Compression = BackupCompression.Gzip, bool ContinueOnSecretErrors = false)
{
    [JsonIgnore]
    public ExportRequest Request => new(IncludeSecrets, Profile, NoEncryption, Compression, ContinueOnSecretErrors);
}

/// <summary><c>/api/v1/export</c>: preview, download, or write to a destination (verified there). Every export is audited, with whether secrets went out.</summary>
public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder api)
    {
        var export = api.MapGroup("/export").WithTags("Export");
        export.MapGet("/preview", async (bool? includeSecrets, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new PreviewExport(includeSecrets ?? false), ct)))
            .WithName("Export.preview").WithSummary("What an export would contain: counts per area, and which secret fields would be included or stripped. Writes nothing.");
        export.MapPost("/download", async (ExportOptionsRequest request, MetaBackupScope app, DataDirectory dataDirectory, HttpContext context, CancellationToken ct) =>
            {
                // Written whole into a private staging directory first, so that a failure is a clean error, never half a file.
                var staging = StagingArea.Create(dataDirectory);
                context.Response.RegisterForDispose(staging);
                var outcome = await app.RunAsync(new ExportBackup(request.Request, new ExportTarget.Download(staging.Path)), ct);
                context.Response.Headers["X-MetaBackup-Encrypted"] = outcome.Result.Encrypted ? "true" : "false";
                return TypedResults.PhysicalFile(outcome.Result.Path!, "application/octet-stream", outcome.Result.FileName);
            })
            .WithName("Export.download").WithSummary("Export the configuration and download the file (config_backup_<time>.json[.gz|.br][.enc]).")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream");
        export.MapPost("/destination", async (ExportToDestinationRequest request, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new ExportBackup(request.Request, new ExportTarget.Destination(request.Storage)), ct)))
            .WithName("Export.toDestination").WithSummary("Export to a storage destination, with its sidecar, read back and verified there.");
        return api;
    }
}
