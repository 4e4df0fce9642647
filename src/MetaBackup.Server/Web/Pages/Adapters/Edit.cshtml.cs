using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Application;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Adapters;

/// <summary>Adds (<c>id</c> = <c>new</c>) or edits an adapter with the form its type declares (<see cref="AdapterForm"/>).</summary>
public sealed class EditModel : UiPage
{
    [BindProperty(SupportsGet = true)] public string Kind { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty(SupportsGet = true, Name = "type")] public string? TypeName { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? CredentialProfile { get; set; }

    /// <summary>The version the form showed: saving over someone else's later change is refused, not silent.</summary>
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public AdapterKind AdapterKind => Kinds.Parse(Kind);

    public AdapterView? Existing { get; private set; }

    public AdapterType? Type { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Credentials { get; private set; } = [];

    /// <summary>A plain value the person typed, shown again when the form comes back with an error.</summary>
    public string? Posted(string key) => Request.HasFormContentType ? Request.Form[AdapterForm.Prefix + key].ToString() : null;

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (Type is null)
        {
            return Page();
        }

        var change = AdapterForm.Read(Type, Request.Form, Existing is null);
        var credential = string.IsNullOrWhiteSpace(CredentialProfile) ? null : CredentialProfile;
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddAdapter(AdapterKind, Type.Name, Name ?? "", change, credential))
            : await TryRunAsync(new UpdateAdapter(Existing.Id, Name, change, credential, Version));
        return ok ? RedirectWithNotice($"Saved “{Name}”.", "/Adapters/Index", new { kind = Kind }) : Page();
    }

    private async Task LoadAsync()
    {
        await RunAsync(new ListAdapterTypes());
        if (Id != "new")
        {
            Existing = await RunAsync(new ShowAdapter(Id));
            TypeName = Existing.Type;
        }

        Type = TypeName is null ? null : AdapterTypes.Find(AdapterKind, TypeName);
        if (Can(Permissions.CredentialsRead))
        {
            Credentials = [.. (await RunAsync(new ListCredentials())).Select(c => (c.Id, c.Name))];
        }
    }
}
