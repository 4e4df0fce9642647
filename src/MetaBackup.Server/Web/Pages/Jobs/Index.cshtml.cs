using MetaBackup.Core.Application;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Jobs;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<JobView> Jobs { get; private set; } = [];

    public async Task OnGetAsync() => Jobs = await RunAsync(new ListJobs());

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if ((await TryRunAsync(new RemoveJob(id))).Ok)
        {
            return RedirectWithNotice("Job deleted.", "/Jobs/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
