using MetaBackup.Core.Application;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Jobs;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<JobView> Jobs { get; private set; } = [];

    public async Task OnGetAsync() => Jobs = await RunAsync(new ListJobs());

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveJob(id), "Job deleted.", OnGetAsync);
}
