using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Users;

/// <summary>Adds (<c>new</c>) or edits a user; the password is write-only (empty keeps it).</summary>
public sealed class EditModel : UiPage
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Group { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public bool Disabled { get; set; }
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public User? Existing { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Groups { get; private set; } = [];

    public async Task OnGetAsync(string id)
    {
        Existing = id == "new" ? null : await RunAsync(new ShowUser(id));
        if (Can(Permissions.GroupsRead))
        {
            Groups = [.. (await RunAsync(new ListGroups())).Select(g => (g.Id, g.Name))];
        }
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await OnGetAsync(id);
        // Without the groups to choose from, the form shows none, and the user keeps theirs.
        var input = new UserInput(Email, string.IsNullOrWhiteSpace(Name) ? null : Name, Can(Permissions.GroupsRead) ? Group ?? "" : null, Disabled);
        var password = string.IsNullOrEmpty(Password) ? null : new SecretText(Password);
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddUser(input with { Group = string.IsNullOrEmpty(Group) ? null : Group }, password))
            : await TryRunAsync(new UpdateUser(Existing.Id, input, password, Version));
        return ok ? RedirectWithNotice($"Saved {Email}.", "/Users/Index") : Page();
    }
}
