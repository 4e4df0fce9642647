using MetaBackup.Core.Application;
using MetaBackup.Core.Sso;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Sso;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<SsoProvider> Providers { get; private set; } = [];

    public async Task OnGetAsync() => Providers = await RunAsync(new ListSsoProviders());

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if ((await TryRunAsync(new RemoveSsoProvider(id))).Ok)
        {
            return RedirectWithNotice("Provider deleted.", "/Sso/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
