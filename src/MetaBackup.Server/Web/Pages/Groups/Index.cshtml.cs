using MetaBackup.Core.Application;
using MetaBackup.Core.Groups;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Groups;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<Group> Groups { get; private set; } = [];

    public async Task OnGetAsync() => Groups = await RunAsync(new ListGroups());

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveGroup(id), "Group deleted.", OnGetAsync);
}
