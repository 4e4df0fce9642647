using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Web.Pages.Restore;

/// <summary>
/// The restore wizard's first step (docs/ui.md, "Restore wizard"): the source — an uploaded file or a backup in a
/// destination. Either starts an import session, which keeps the wizard's state on the server from then on.
/// </summary>
public sealed class IndexModel : UiPage
{
    [BindProperty(SupportsGet = true)] public string? Storage { get; set; }

    public IReadOnlyList<(string Id, string Name)> Destinations { get; private set; } = [];

    public IReadOnlyList<CatalogEntry>? Backups { get; private set; }

    public long MaxUploadBytes => HttpContext.RequestServices.GetRequiredService<ImportLimits>().MaxUploadBytes;

    public override void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
        // The upload may be as large as the import limit (plus the form around it), not only Kestrel's default.
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes + 1024 * 1024;
        }
    }

    public async Task OnGetAsync()
    {
        await RunAsync(new ContinueImport());
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? backup)
    {
        if (backup is null || backup.Length == 0)
        {
            await RunAsync(new ContinueImport());
            ModelState.AddModelError("", "Choose a backup file to upload.");
            await LoadAsync();
            return Page();
        }

        await using var stream = backup.OpenReadStream();
        return await StartAsync(new StartImportUpload(stream, backup.FileName));
    }

    public Task<IActionResult> OnPostFromDestinationAsync(string storage, string file) =>
        StartAsync(new StartImportFromDestination(storage, file));

    private async Task<IActionResult> StartAsync(Operation<ImportSessionView> start)
    {
        var (ok, session) = await TryRunAsync(start);
        if (ok)
        {
            return Redirect($"/restore/{session!.Id}");
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        if (!Can(Permissions.AdaptersRead))
        {
            return;
        }

        Destinations = await DestinationChoicesAsync();
        if (Storage is { Length: > 0 } && Can(Permissions.BackupsRead))
        {
            var (ok, backups) = await TryRunAsync(new ListBackups(Storage));
            Backups = ok ? backups : null;
        }
    }
}
