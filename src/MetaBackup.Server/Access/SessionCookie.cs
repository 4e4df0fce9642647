using System.Security.Claims;
using MetaBackup.Core.Access;
using MetaBackup.Core.Persistence;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Access;

/// <summary>
/// The signed-in user's session (docs/api.md, "Sessions"): an HttpOnly, SameSite=Strict cookie that holds only the
/// user's id and a session stamp, protected by ASP.NET Core Data Protection. Every request checks it against the
/// database — a user disabled, deleted, or whose password changed is signed out at once — and takes the user's
/// permissions as their group has them now.
/// </summary>
public static class SessionCookie
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "metabackup.session";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = TimeSpan.FromHours(12);
        options.SlidingExpiration = false;

        // An API answers 401 and 403 with problem details; it never redirects to a sign-in page. A page does.
        options.LoginPath = Web.WebUi.SignInPath;
        options.Events.OnRedirectToLogin = context => context.Request.IsApi()
            ? Problems.WriteAsync(context.HttpContext, Problems.Of(Core.Configuration.ErrorCode.Unauthenticated, "This request needs a signed-in user or an API key."))
            : Web.WebUi.RedirectToSignInAsync(context.HttpContext);
        options.Events.OnRedirectToAccessDenied = context => Problems.WriteAsync(context.HttpContext, Problems.Of(Core.Configuration.ErrorCode.Forbidden, "The caller may not do this."));
        options.Events.OnValidatePrincipal = ValidateAsync;
    }

    /// <summary>The principal a sign-in stores in the cookie: the user and the stamp, nothing else.</summary>
    public static ClaimsPrincipal Principal(SignedIn signedIn) => new(new ClaimsIdentity(
        [
            new Claim(ActorClaims.UserId, signedIn.Actor.UserId!),
            new Claim(ClaimTypes.NameIdentifier, signedIn.Actor.UserId!),
            new Claim(ActorClaims.SessionStamp, signedIn.SessionStamp),
        ],
        Scheme));

    /// <summary>Starts the session of a user who just signed in (by password, first run or SSO).</summary>
    public static Task StartAsync(HttpContext context, SignedIn signedIn) => context.SignInAsync(Scheme, Principal(signedIn));

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var userId = context.Principal?.FindFirst(ActorClaims.UserId)?.Value;
        var stamp = context.Principal?.FindFirst(ActorClaims.SessionStamp)?.Value;
        Actor? actor = null;
        if (userId is not null && stamp is not null)
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<ConfigurationStore>();
            await using var session = await store.OpenAsync(Actor.Anonymous(context.HttpContext.Connection.RemoteIpAddress?.ToString()), context.HttpContext.RequestAborted);
            actor = await new AccessService(session).ForSessionAsync(userId, stamp, context.HttpContext.RequestAborted);
        }

        if (actor is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        // For this request only: the cookie keeps just the user and the stamp.
        // The stamp stays, so that a page can tell later in the request whether its own session survived (a full restore).
        var principal = ActorClaims.Principal(actor, Scheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(ActorClaims.SessionStamp, stamp!));
        context.ReplacePrincipal(principal);
    }
}
