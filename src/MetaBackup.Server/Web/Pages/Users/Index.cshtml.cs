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

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveUser(id), "User deleted.", OnGetAsync);
}
