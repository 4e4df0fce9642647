using MetaBackup.Server.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages;

/// <summary>Sign-out: a form's POST (so no other site can sign someone out with a link) ends the session cookie.</summary>
public sealed class SignOutModel : UiPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return Redirect(WebUi.SignInPath);
    }
}
