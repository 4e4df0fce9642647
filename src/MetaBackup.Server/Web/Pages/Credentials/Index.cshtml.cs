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

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveCredential(id), "Credential profile deleted.", OnGetAsync);
}
