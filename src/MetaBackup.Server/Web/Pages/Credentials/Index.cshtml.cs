using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Credentials;

public sealed class IndexModel : UiPage
{
    public IReadOnlyList<CredentialProfile> Credentials { get; private set; } = [];

    public IReadOnlyDictionary<string, bool> SecretsOf(CredentialProfile credential) =>
        SecretFields.WhichAreSet(ConfigurationAreas.CredentialProfiles, credential);

    public async Task OnGetAsync() => Credentials = await RunAsync(new ListCredentials());

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if ((await TryRunAsync(new RemoveCredential(id))).Ok)
        {
            return RedirectWithNotice("Credential profile deleted.", "/Credentials/Index");
        }

        await OnGetAsync();
        return Page();
    }
}
