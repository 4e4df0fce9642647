using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Users;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Users;

public sealed class IndexModel : UiPage
{
    private IReadOnlyDictionary<string, string> _groups = new Dictionary<string, string>();

    public IReadOnlyList<User> Users { get; private set; } = [];

    public string GroupName(string? id) => id is null ? "—" : _groups.GetValueOrDefault(id, id);

    public async Task OnGetAsync()
    {
        Users = await RunAsync(new ListUsers());
        if (Can(Permissions.GroupsRead))
        {
            _groups = (await RunAsync(new ListGroups())).ToDictionary(g => g.Id, g => g.Name);
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if ((await TryRunAsync(new RemoveUser(id))).Ok)
        {
            return RedirectWithNotice("User deleted.", "/Users/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
