using System.Text;
using MetaBackup.Core.Application;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A new Encryption Profile.</summary>
public sealed record ProfileRequest(string Name, string? Description = null);

/// <summary>A Recovery Kit handed out: the file name to save it under, and its text — which holds the key.</summary>
public sealed record RecoveryKitFile(string FileName, string Fingerprint, string Text)
{
    public static RecoveryKitFile Of(RecoveryKitDocument kit) => new(kit.FileName, kit.Fingerprint, kit.Text.Reveal());
}

/// <summary>A new profile and its Recovery Kit, offered at once: keep the kit offline, away from the backups.</summary>
public sealed record NewProfile(EncryptionProfile Profile, RecoveryKitFile RecoveryKit);

/// <summary>A key for the vault, as a Recovery Kit's text or as 64 hex characters (exactly one); a name for a new profile.</summary>
public sealed record KeyRequest(SecretText? Kit = null, SecretText? Key = null, string? Name = null);

/// <summary>
/// <c>/api/v1/profiles</c>, the vault (docs/secrets.md): create a profile (its Recovery Kit in the response), list,
/// show, delete (refused while used; without <c>force</c>, while its key was never saved), download the Recovery
/// Kit again (its own permission, audited), and import a key.
/// </summary>
public static class VaultEndpoints
{
    public static RouteGroupBuilder MapVaultEndpoints(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/profiles").WithTags("Encryption profiles");
        profiles.MapGet("/", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListProfiles(), ct)))
            .WithName("Profiles.list").WithSummary("Every Encryption Profile: name, fingerprint, locked or not (never the key).");
        profiles.MapGet("/{reference}", async (string reference, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ShowProfile(reference), ct)))
            .WithName("Profiles.show").WithSummary("One profile, by id, name or fingerprint.");
        profiles.MapPost("/", async Task<Created<NewProfile>> (ProfileRequest request, MetaBackupScope app, CancellationToken ct) =>
            {
                var created = await app.RunAsync(new CreateProfile(request.Name, request.Description, WithRecoveryKit: true), ct);
                return TypedResults.Created($"/api/v1/profiles/{created.Profile.Id}", new NewProfile(created.Profile, RecoveryKitFile.Of(created.Kit!)));
            })
            .WithName("Profiles.create").WithSummary("Create a profile with a new random 256-bit key; the response holds its Recovery Kit (needs profiles.write and profiles.recovery-kit; audited).");
        profiles.MapDelete("/{reference}", async (string reference, bool? force, MetaBackupScope app, CancellationToken ct) =>
            {
                await app.RunAsync(new DeleteProfile(reference, force ?? false), ct);
                return TypedResults.NoContent();
            })
            .WithName("Profiles.delete").WithSummary("Delete a profile nothing uses; one whose key was never saved only with force=true.");
        profiles.MapPost("/{reference}/recovery-kit", async (string reference, MetaBackupScope app, CancellationToken ct) =>
            {
                var kit = await app.RunAsync(new DownloadRecoveryKit(reference), ct);
                return TypedResults.File(Encoding.UTF8.GetBytes(kit.Text.Reveal()), "text/plain; charset=utf-8", kit.FileName);
            })
            .WithName("Profiles.recoveryKit").WithSummary("Download the profile's Recovery Kit again (its key, with instructions). Own permission; audited.")
            .Produces<Stream>(StatusCodes.Status200OK, "text/plain");
        profiles.MapPost("/import-key", async (KeyRequest request, MetaBackupScope app, CancellationToken ct) =>
            {
                var supplied = SuppliedKey.From(request.Kit, request.Key, "the key in the request");
                return TypedResults.Ok(await app.RunAsync(new ImportProfileKey(supplied.Key, supplied.Kit, request.Name), ct));
            })
            .WithName("Profiles.importKey").WithSummary("Add a key from a Recovery Kit or as hex: never stored twice; a locked profile with its fingerprint is unlocked.");
        return api;
    }
}
