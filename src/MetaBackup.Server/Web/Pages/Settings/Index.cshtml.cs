using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Settings;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Settings;

/// <summary>Every setting with its value or default, and a form to set one (the same rules as everywhere).</summary>
public sealed class IndexModel : UiPage
{
    public IReadOnlyList<EffectiveSetting> Settings { get; private set; } = [];

    public SystemKeyInfo? SystemKey { get; private set; }

    public async Task OnGetAsync()
    {
        Settings = await RunAsync(new ListSettings());
        SystemKey = Can(Permissions.SystemKeyRead) ? await RunAsync(new ShowSystemKey()) : null;
    }

    public async Task<IActionResult> OnPostAsync(string key, string? value)
    {
        var (ok, _) = await TryRunAsync(new SetSettings(new Dictionary<string, string?> { [key] = string.IsNullOrEmpty(value) ? null : value }));
        if (ok)
        {
            return RedirectWithNotice($"Saved {key}.", "/Settings/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
