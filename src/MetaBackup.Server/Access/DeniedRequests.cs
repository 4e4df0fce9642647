using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace MetaBackup.Server.Access;

/// <summary>
/// A request to the API without valid credentials: answered 401 with problem details, and audited (docs/api.md,
/// "Audit") — unless the credentials it did bring were already audited as a failed sign-in (a wrong API key).
/// Permission denials (403) are the application layer's: it audits them with the permission that was missing.
/// </summary>
public sealed class DeniedRequests(ConfigurationStore store) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Challenged)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (!context.Request.IsApi())
        {
            // A page asked for without a session: the sign-in page (or, on a new server, the first-run page).
            await Web.WebUi.RedirectToSignInAsync(context);
            return;
        }

        var authentication = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
        if (authentication?.Failure is null)
        {
            await using var session = await store.OpenAsync(Actor.Anonymous(context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
            await new AccessService(session).AuditDeniedAsync($"{context.Request.Method} {context.Request.Path} (not signed in)", context.RequestAborted);
        }

        await Problems.WriteAsync(context, Problems.Of(
            ErrorCode.Unauthenticated,
            authentication?.Failure?.Message ?? "This request needs a signed-in user or an API key.",
            "Sign in with POST /api/v1/session, or send 'Authorization: Bearer KEY'."));
    }
}
