using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Server.Access;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>Whether the first administrator is still to be created.</summary>
public sealed record SetupState(bool FirstAdministratorNeeded);

/// <summary>The first administrator: an email, a display name, a password (at least 10 characters).</summary>
public sealed record FirstAdministrator(string Email, SecretText Password, string? Name = null);

/// <summary>A local sign-in.</summary>
public sealed record SignInRequest(string Email, SecretText Password);

/// <summary>Who is signed in, what they may do, and the antiforgery token to send with changes (docs/api.md, "Sessions").</summary>
public sealed record SessionInfo(string Actor, ActorKind Kind, string? UserId, IReadOnlyList<string> Permissions, string? AntiforgeryToken);

/// <summary>
/// <c>/api/v1/setup</c> and <c>/api/v1/session</c> (docs/api.md, "Authentication"): create the first administrator
/// while no user exists, and only then; sign in with email and password (rate-limited, audited); see the session;
/// sign out.
/// </summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/setup", async (ConfigurationStore store, HttpContext context) =>
        {
            await using var session = await store.OpenAsync(Actor.Anonymous(context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
            return TypedResults.Ok(new SetupState(await new AccessService(session).NeedsFirstAdministratorAsync(context.RequestAborted)));
        }).AllowAnonymous().WithTags("Session").WithSummary("Whether the first administrator is still to be created.");

        api.MapPost("/setup", async Task<Created<SessionInfo>> (FirstAdministrator request, ConfigurationStore store, IAntiforgery antiforgery, HttpContext context) =>
        {
            await using var session = await store.OpenAsync(Actor.Anonymous(context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
            var access = new AccessService(session);
            await access.CreateFirstAdministratorAsync(request.Email, request.Name, request.Password, context.RequestAborted);
            var signedIn = await access.SignInAsync(request.Email, request.Password, context.RequestAborted)
                ?? throw new InvalidOperationException("The first administrator could not sign in.");
            return TypedResults.Created("/api/v1/session", await StartAsync(context, antiforgery, signedIn));
        }).AllowAnonymous().RequireRateLimiting(ServerAccess.SignInLimit).WithTags("Session")
          .WithSummary("Create the first administrator (only while no user exists) and sign in as them.");

        api.MapPost("/session", async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> (SignInRequest request, ConfigurationStore store, IAntiforgery antiforgery, HttpContext context) =>
        {
            await using var session = await store.OpenAsync(Actor.Anonymous(context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
            var signedIn = await new AccessService(session).SignInAsync(request.Email, request.Password, context.RequestAborted);
            if (signedIn is null)
            {
                return TypedResults.Problem(Problems.Of(ErrorCode.Unauthenticated, "Wrong email or password, or the account is disabled."));
            }

            return TypedResults.Ok(await StartAsync(context, antiforgery, signedIn));
        }).AllowAnonymous().RequireRateLimiting(ServerAccess.SignInLimit).WithTags("Session")
          .WithSummary("Sign in with email and password: sets the session cookie and returns the antiforgery token.");

        api.MapGet("/session", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var actor = ActorClaims.ActorOf(context.User, null)!;
            var token = context.User.Identity?.AuthenticationType == SessionCookie.Scheme ? antiforgery.GetAndStoreTokens(context).RequestToken : null;
            return TypedResults.Ok(Info(actor, token));
        }).WithTags("Session").WithSummary("Who is signed in, their permissions, and a fresh antiforgery token.");

        api.MapDelete("/session", async (HttpContext context) =>
        {
            await context.SignOutAsync(SessionCookie.Scheme);
            return TypedResults.NoContent();
        }).WithTags("Session").WithSummary("Sign out (ends the session cookie).");

        return api;
    }

    private static async Task<SessionInfo> StartAsync(HttpContext context, IAntiforgery antiforgery, SignedIn signedIn)
    {
        await SessionCookie.StartAsync(context, signedIn);

        // The token is bound to the user it is for, so the request's user becomes that user before it is made.
        context.User = ActorClaims.Principal(signedIn.Actor, SessionCookie.Scheme);
        return Info(signedIn.Actor, antiforgery.GetAndStoreTokens(context).RequestToken);
    }

    private static SessionInfo Info(Actor actor, string? token) =>
        new(actor.Name, actor.Kind, actor.UserId, [.. actor.Permissions.Order(StringComparer.Ordinal)], token);
}
