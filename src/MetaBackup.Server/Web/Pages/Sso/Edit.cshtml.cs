using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Sso;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Sso;

/// <summary>Adds (<c>new</c>) or edits an SSO provider; the client secret is write-only (empty keeps it).</summary>
public sealed class EditModel : UiPage
{
    [BindProperty] public string? ProviderId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Issuer { get; set; }
    [BindProperty] public string? ClientId { get; set; }
    [BindProperty] public string? ClientSecret { get; set; }
    [BindProperty] public string? Scopes { get; set; }
    [BindProperty] public string? DefaultGroup { get; set; }
    [BindProperty] public bool Enabled { get; set; }
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public SsoProvider? Existing { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Groups { get; private set; } = [];

    public async Task OnGetAsync(string id)
    {
        Existing = id == "new" ? null : await RunAsync(new ShowSsoProvider(id));
        if (Can(Permissions.GroupsRead))
        {
            Groups = [.. (await RunAsync(new ListGroups())).Select(g => (g.Id, g.Name))];
        }
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await OnGetAsync(id);
        var scopes = (Scopes ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        var input = new SsoInput(ProviderId, Name, Issuer, ClientId, scopes, Can(Permissions.GroupsRead) ? DefaultGroup ?? "" : null, Enabled);
        var secret = string.IsNullOrEmpty(ClientSecret) ? null : new SecretText(ClientSecret);
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddSsoProvider(input, secret))
            : await TryRunAsync(new UpdateSsoProvider(Existing.Id, input, secret, Version));
        return ok ? RedirectWithNotice($"Saved “{Name}”.", "/Sso/Index") : Page();
    }
}
