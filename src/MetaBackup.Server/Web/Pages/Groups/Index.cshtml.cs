using MetaBackup.Core.Application;
using MetaBackup.Core.Groups;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Groups;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<Group> Groups { get; private set; } = [];

    public async Task OnGetAsync() => Groups = await RunAsync(new ListGroups());

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if ((await TryRunAsync(new RemoveGroup(id))).Ok)
        {
            return RedirectWithNotice("Group deleted.", "/Groups/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
