using MetaBackup.Core.Adapters;
using MetaBackup.Core.Application;
using MetaBackup.Core.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Jobs;

/// <summary>Adds (<c>new</c>) or edits a backup job: its source, destinations, profile and notifications picked from lists.</summary>
public sealed class EditModel : UiPage
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Schedule { get; set; }
    [BindProperty] public string? Source { get; set; }
    [BindProperty] public List<string> Destinations { get; set; } = [];
    [BindProperty] public int Retention { get; set; } = DestinationInput.DefaultRetention;
    [BindProperty] public string? Profile { get; set; }
    [BindProperty] public string? Compression { get; set; }
    [BindProperty] public List<string> Notify { get; set; } = [];
    [BindProperty] public bool Enabled { get; set; }
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public JobView? Existing { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Databases { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Storages { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Notifications { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Profiles { get; private set; } = [];

    public async Task OnGetAsync(string id)
    {
        Existing = id == "new" ? null : await RunAsync(new ShowJob(id));
        var adapters = await RunAsync(new ListAdapters());
        IReadOnlyList<(string, string)> Of(AdapterKind kind) => [.. adapters.Where(a => a.Kind == kind).Select(a => (a.Id, $"{a.Name} ({a.Type})"))];
        (Databases, Storages, Notifications) = (Of(AdapterKind.Database), Of(AdapterKind.Storage), Of(AdapterKind.Notification));
        Profiles = [.. (await RunAsync(new ListProfiles())).Select(p => (p.Id, p.Name))];
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await OnGetAsync(id);
        var input = new JobInput(
            Name, Schedule, Source,
            [.. Destinations.Select(d => new DestinationInput(d, Retention))],
            Profile ?? "",
            Compression,
            [.. Notify.Select(n => new NotificationInput(n))],
            Enabled);
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddJob(input))
            : await TryRunAsync(new UpdateJob(Existing.Job.Id, input, Version));
        return ok ? RedirectWithNotice($"Saved “{Name}”.", "/Jobs/Index") : Page();
    }
}
