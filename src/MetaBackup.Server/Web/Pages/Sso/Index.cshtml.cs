using MetaBackup.Core.Application;
using MetaBackup.Core.Sso;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Sso;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<SsoProvider> Providers { get; private set; } = [];

    public async Task OnGetAsync() => Providers = await RunAsync(new ListSsoProviders());

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveSsoProvider(id), "Provider deleted.", OnGetAsync);
}
