using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Server.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace MetaBackup.Server.Web.Pages;

/// <summary>First run (docs/ui.md): the first administrator, offered only while the server has no user.</summary>
[EnableRateLimiting(ServerAccess.SignInLimit)]
public sealed class SetupModel : UiPage
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";

    public async Task<IActionResult> OnGetAsync() =>
        await NeedsAdministratorAsync() ? Page() : Redirect(WebUi.SignInPath);

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await NeedsAdministratorAsync())
        {
            return Redirect(WebUi.SignInPath);
        }

        if (Password != Confirm)
        {
            ModelState.AddModelError("Password", "The two passwords differ.");
            return Page();
        }

        var access = new AccessService(await Scope.SessionAsync(Aborted));
        try
        {
            await access.CreateFirstAdministratorAsync(Email, Name, new SecretText(Password), Aborted);
        }
        catch (MetaBackupException e) when (e.Code == ErrorCode.InvalidInput)
        {
            ModelState.AddModelError("", e.Message);
            return Page();
        }

        var signedIn = await access.SignInAsync(Email, new SecretText(Password), Aborted)
            ?? throw new InvalidOperationException("The first administrator could not sign in.");
        await SessionCookie.StartAsync(HttpContext, signedIn);
        return RedirectWithNotice("Welcome. Start with the Vault: create an Encryption Profile and keep its Recovery Kit safe.", "/Index");
    }

    private async Task<bool> NeedsAdministratorAsync() =>
        await new AccessService(await Scope.SessionAsync(Aborted)).NeedsFirstAdministratorAsync(Aborted);
}
