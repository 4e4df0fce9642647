using MetaBackup.Core.Access;
using MetaBackup.Core.Secrets;
using MetaBackup.Server.Access;
using MetaBackup.Server.Web.Sso;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace MetaBackup.Server.Web.Pages;

/// <summary>Sign-in (docs/ui.md): email and password, or one of the enabled SSO providers; rate-limited per address like the API's.</summary>
[EnableRateLimiting(ServerAccess.SignInLimit)]
public sealed class SignInModel : UiPage
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    [TempData] public string? SignInError { get; set; }

    public string? SsoError { get; private set; }

    public IReadOnlyList<(string ProviderId, string Name)> Providers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var access = new AccessService(await Scope.SessionAsync(Aborted));
        if (await access.NeedsFirstAdministratorAsync(Aborted))
        {
            return Redirect(WebUi.SetupPath);
        }

        SsoError = SignInError;
        Providers = await access.SsoProvidersAsync(Aborted);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var access = new AccessService(await Scope.SessionAsync(Aborted));
        var signedIn = await access.SignInAsync(Email, new SecretText(Password), Aborted);
        if (signedIn is null)
        {
            ModelState.AddModelError("", "Wrong email or password, or the account is disabled.");
            Providers = await access.SsoProvidersAsync(Aborted);
            return Page();
        }

        await SessionCookie.StartAsync(HttpContext, signedIn);
        return LocalRedirect(SsoSignIn.LocalOrHome(ReturnUrl));
    }
}
