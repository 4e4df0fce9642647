using System.Text.Encodings.Web;
using MetaBackup.Core.Access;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaBackup.Server.Access;

/// <summary>
/// <c>Authorization: Bearer mbk_…</c> (docs/api.md, "API keys"): the key is checked against its stored hash in
/// constant time, its expiry and its user's state are honoured, its last use is recorded, and a refused key is
/// audited by its prefix — never the key itself.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConfigurationStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request.Headers.Authorization.ToString()) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        await using var session = await store.OpenAsync(Actor.Anonymous(Context.Connection.RemoteIpAddress?.ToString()), Context.RequestAborted);
        var actor = await new AccessService(session).ForApiKeyAsync(token, Context.RequestAborted);
        return actor is null
            ? AuthenticateResult.Fail("The API key is not valid: unknown, revoked, expired, or its user is disabled.")
            : AuthenticateResult.Success(new AuthenticationTicket(ActorClaims.Principal(actor, SchemeName), SchemeName));
    }

    /// <summary>The token of a Bearer authorization header, as a secret.</summary>
    public static SecretText? BearerToken(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token ? new SecretText(token) : null;
}
