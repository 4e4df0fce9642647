using MetaBackup.Core.Application;
using MetaBackup.Core.Groups;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Groups;

/// <summary>Adds (<c>new</c>) or edits a group; its permissions are checkboxes from the declaration (<see cref="Core.Access.Permissions.All"/>).</summary>
public sealed class EditModel : UiPage
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public List<string> Granted { get; set; } = [];
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public Group? Existing { get; private set; }

    public bool Has(string permission) => Request.HasFormContentType ? Granted.Contains(permission) : Existing?.Permissions.Contains(permission) == true;

    public async Task OnGetAsync(string id) => Existing = id == "new" ? null : await RunAsync(new ShowGroup(id));

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await OnGetAsync(id);
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddGroup(Name ?? "", Description, Granted))
            : await TryRunAsync(new UpdateGroup(Existing.Id, Name, Description ?? "", Granted, Version));
        return ok ? RedirectWithNotice($"Saved “{Name}”.", "/Groups/Index") : Page();
    }
}
