using System.Text;
using MetaBackup.Core.Application;
using MetaBackup.Core.Vault;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Vault;

/// <summary>A Recovery Kit again (docs/ui.md): asks for confirmation first; the download is the audited operation's.</summary>
public sealed class KitModel : UiPage
{
    public EncryptionProfile Profile { get; private set; } = null!;

    public async Task OnGetAsync(string id) => Profile = await RunAsync(new ShowProfile(id));

    public async Task<IActionResult> OnPostAsync(string id, bool confirm)
    {
        if (!confirm)
        {
            Profile = await RunAsync(new ShowProfile(id));
            ModelState.AddModelError("", "Confirm that you will keep the kit safe.");
            return Page();
        }

        var kit = await RunAsync(new DownloadRecoveryKit(id));
        return File(Encoding.UTF8.GetBytes(kit.Text.Reveal()), "text/plain; charset=utf-8", kit.FileName);
    }
}
