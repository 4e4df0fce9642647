using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Credentials;

/// <summary>Adds (<c>new</c>) or edits a credential profile; one write-only field per secret the area declares.</summary>
public sealed class EditModel : UiPage
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public DateTimeOffset? Version { get; set; }

    public CredentialProfile? Existing { get; private set; }

    public IReadOnlyDictionary<string, bool> SecretStates => Existing is null
        ? SecretFields.NamesOf(ConfigurationAreas.CredentialProfiles).ToDictionary(f => f, _ => false)
        : SecretFields.WhichAreSet(ConfigurationAreas.CredentialProfiles, Existing);

    public async Task OnGetAsync(string id) => Existing = id == "new" ? null : await RunAsync(new ShowCredential(id));

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await OnGetAsync(id);
        var fields = SecretFields.NamesOf(ConfigurationAreas.CredentialProfiles).ToList();
        var secrets = fields.Where(f => Request.Form[$"secret.{f}"].ToString().Length > 0).ToDictionary(f => f, f => new SecretText(Request.Form[$"secret.{f}"].ToString()));
        var unset = fields.Where(f => Request.Form[$"unset.{f}"] == "true" && !secrets.ContainsKey(f)).ToList();
        var input = new CredentialInput(Name, Description ?? "", Username ?? "");
        var (ok, _) = Existing is null
            ? await TryRunAsync(new AddCredential(input, secrets))
            : await TryRunAsync(new UpdateCredential(Existing.Id, input, secrets, unset, Version));
        return ok ? RedirectWithNotice($"Saved “{Name}”.", "/Credentials/Index") : Page();
    }
}
