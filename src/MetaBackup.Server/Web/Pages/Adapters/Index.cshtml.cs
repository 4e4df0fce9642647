using MetaBackup.Core.Adapters;
using MetaBackup.Core.Application;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Adapters;

/// <summary>The adapters of one kind (docs/ui.md, "Configuration areas"): list, test a connection, delete.</summary>
public sealed class IndexModel : UiPage
{
    [BindProperty(SupportsGet = true)] public string Kind { get; set; } = "";

    public IReadOnlyList<AdapterView> Adapters { get; private set; } = [];

    public ConnectionTestResult? Tested { get; private set; }

    public string Title => AdapterForm.TitleOf(Kinds.Parse(Kind));

    public string Singular => AdapterForm.SingularOf(Kinds.Parse(Kind));

    public async Task OnGetAsync() => Adapters = await RunAsync(new ListAdapters(Kinds.Parse(Kind)));

    public async Task<IActionResult> OnPostTestAsync(string id)
    {
        (_, Tested) = await TryRunAsync(new TestAdapter(id));
        await OnGetAsync();
        return Page();
    }

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveAdapter(id), "Deleted.", OnGetAsync);
}
