using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Vault;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Vault;

/// <summary>
/// The vault (docs/ui.md): profiles with fingerprint and state; create — the Recovery Kit offered at once, in the
/// response to the creation and nowhere else; add a key from a kit or hex; delete (refused while in use, saying where).
/// </summary>
public sealed class IndexModel : UiPage
{
    public IReadOnlyList<EncryptionProfile> Profiles { get; private set; } = [];

    public CreatedProfile? Created { get; private set; }

    public async Task OnGetAsync() => Profiles = await RunAsync(new ListProfiles());

    public async Task<IActionResult> OnPostCreateAsync(string name, string? description)
    {
        var (ok, created) = await TryRunAsync(new CreateProfile(name, string.IsNullOrWhiteSpace(description) ? null : description, WithRecoveryKit: Can(Permissions.RecoveryKit)));
        Created = created;
        Profiles = await RunAsync(new ListProfiles());
        return Page();
    }

    public async Task<IActionResult> OnPostImportKeyAsync(IFormFile? kit, string? hex, string? importName)
    {
        try
        {
            var supplied = await KeyUpload.ReadAsync(kit, hex, Aborted);
            var (ok, imported) = await TryRunAsync(new ImportProfileKey(supplied.Key, supplied.Kit, string.IsNullOrWhiteSpace(importName) ? null : importName));
            if (ok)
            {
                return RedirectWithNotice($"Key {imported!.Profile.Fingerprint[..8]}…: {Display.Outcome(imported.Outcome)} (profile “{imported.Profile.Name}”).", "/Vault/Index");
            }
        }
        catch (InvalidInputException e)
        {
            ModelState.AddModelError("", e.Message);
        }

        Profiles = await RunAsync(new ListProfiles());
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, bool force)
    {
        var (ok, _) = await TryRunAsync(new DeleteProfile(id, force));
        if (ok)
        {
            return RedirectWithNotice("Profile deleted.", "/Vault/Index");
        }

        Profiles = await RunAsync(new ListProfiles());
        return Page();
    }
}
