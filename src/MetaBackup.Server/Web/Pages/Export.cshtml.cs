using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Format;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Web.Pages;

/// <summary>Export (docs/ui.md): the preview (counts, secrets included or stripped), the options, download or send to a destination.</summary>
public sealed class ExportModel : UiPage
{
    [BindProperty(SupportsGet = true)] public bool IncludeSecrets { get; set; }
    [BindProperty] public string? Profile { get; set; }
    [BindProperty] public bool NoEncryption { get; set; }
    [BindProperty] public BackupCompression Compression { get; set; } = BackupCompression.Gzip;
    [BindProperty] public string? Storage { get; set; }

    public ExportPreview Preview { get; private set; } = null!;

    public ExportOutcome? Sent { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Profiles { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Destinations { get; private set; } = [];

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostDownloadAsync()
    {
        // Written whole into a private staging directory first: a failure is a clean error, never half a file.
        var staging = StagingArea.Create(HttpContext.RequestServices.GetRequiredService<DataDirectory>());
        HttpContext.Response.RegisterForDispose(staging);
        var (ok, outcome) = await TryRunAsync(new ExportBackup(Options(), new ExportTarget.Download(staging.Path)));
        if (ok)
        {
            return PhysicalFile(outcome!.Result.Path!, "application/octet-stream", outcome.Result.FileName);
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDestinationAsync()
    {
        (_, Sent) = await TryRunAsync(new ExportBackup(Options(), new ExportTarget.Destination(Storage ?? "")));
        await LoadAsync();
        return Page();
    }

    private ExportRequest Options() => new(IncludeSecrets, string.IsNullOrWhiteSpace(Profile) ? null : Profile, NoEncryption, Compression);

    private async Task LoadAsync()
    {
        Preview = await RunAsync(new PreviewExport(IncludeSecrets));
        if (Can(Permissions.ProfilesRead))
        {
            Profiles = [.. (await RunAsync(new ListProfiles())).Where(p => !p.IsLocked).Select(p => (p.Id, p.Name))];
        }

        if (Can(Permissions.AdaptersRead))
        {
            Destinations = await DestinationChoicesAsync();
        }
    }
}
