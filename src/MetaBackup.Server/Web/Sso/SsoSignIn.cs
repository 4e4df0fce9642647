using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Server.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MetaBackup.Server.Web.Sso;

/// <summary>
/// Signing in through an SSO provider (docs/ui.md, "Signing in with SSO"): OpenID Connect's authorization code flow
/// with PKCE, by ASP.NET Core's handler, one authentication scheme per provider registered when first needed and
/// renewed when the provider changes. The provider's answer is turned into a MetaBackup session by
/// <see cref="AccessService.SignInWithSsoAsync"/> — the existing account with that email, or a new one in the
/// provider's default group; the handler's own sign-in never happens.
/// </summary>
public static class SsoSignIn
{
    public const string StartPath = "/signin/sso";
    public const string CallbackPrefix = "/signin-oidc";

    public static IServiceCollection AddSsoSignIn(this IServiceCollection services) => services.AddSingleton<SsoSchemes>();

    /// <summary>Registers the scheme of a provider whose callback arrives (after a restart, say) before the authentication middleware looks.</summary>
    public static IApplicationBuilder UseSsoCallbacks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(CallbackPrefix, out var rest) && rest.Value?.Trim('/') is { Length: > 0 } providerId)
        {
            await context.RequestServices.GetRequiredService<SsoSchemes>().EnsureAsync(providerId, context.RequestAborted);
        }

        await next(context);
    });

    public static void MapSsoSignIn(this IEndpointRouteBuilder app) =>
        app.MapGet($"{StartPath}/{{providerId}}", async (string providerId, string? returnUrl, SsoSchemes schemes, HttpContext context) =>
        {
            var scheme = await schemes.EnsureAsync(providerId, context.RequestAborted);
            if (scheme is null)
            {
                return Results.Redirect(WebUi.SignInPath);
            }

            return Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [scheme]);
        }).AllowAnonymous().ExcludeFromDescription();

    internal static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";

    /// <summary>The provider vouched for someone: sign them in to MetaBackup, or back to the sign-in page with the reason.</summary>
    internal static async Task TicketReceivedAsync(TicketReceivedContext context, string providerId)
    {
        var http = context.HttpContext;
        var principal = context.Principal!;
        var email = principal.FindFirst("email")?.Value ?? principal.FindFirst(ClaimTypes.Email)?.Value;
        var name = principal.FindFirst("name")?.Value ?? principal.FindFirst(ClaimTypes.Name)?.Value;
        context.HandleResponse();
        try
        {
            var store = http.RequestServices.GetRequiredService<ConfigurationStore>();
            await using var session = await store.OpenAsync(Actor.Anonymous(http.Connection.RemoteIpAddress?.ToString()), http.RequestAborted);
            var signedIn = await new AccessService(session).SignInWithSsoAsync(providerId, email, name, http.RequestAborted);
            await SessionCookie.StartAsync(http, signedIn);
        }
        catch (MetaBackupException e)
        {
            await BackToSignInAsync(http, e.Message);
            return;
        }

        // The provider's redirect began on another site, and a SameSite=Strict cookie is not sent on that chain: the
        // next page is asked for by a page of this site instead, where the session cookie goes along.
        await ContinueAsync(http, LocalOrHome(context.Properties?.RedirectUri));
    }

    internal static Task RemoteFailureAsync(RemoteFailureContext context, string providerName)
    {
        context.HandleResponse();
        return BackToSignInAsync(context.HttpContext, $"Signing in with {providerName} did not complete: {context.Failure?.Message}");
    }

    private static async Task BackToSignInAsync(HttpContext http, string message)
    {
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        tempData["SignInError"] = message;
        tempData.Save();
        await ContinueAsync(http, WebUi.SignInPath);
    }

    private static Task ContinueAsync(HttpContext http, string location)
    {
        var url = HtmlEncoder.Default.Encode(location);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync($"""<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}"><title>Signing in — MetaBackup</title></head><body><main><p><a href="{url}">Continue</a></p></main></body></html>""");
    }
}

/// <summary>The OpenID Connect scheme of each SSO provider, made from the provider's record when first needed and again when it changes.</summary>
public sealed class SsoSchemes(IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache, IDataProtectionProvider dataProtection, ConfigurationStore store)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _versions = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public static string SchemeOf(string providerId) => $"sso-{providerId}";

    /// <summary>The scheme of an enabled provider, up to date; null (and no scheme) when there is no such provider or it is disabled.</summary>
    public async Task<string?> EnsureAsync(string providerId, CancellationToken cancellationToken)
    {
        SsoClient? client;
        await using (var session = await store.OpenAsync(Actor.System, cancellationToken))
        {
            client = await new AccessService(session).SsoClientAsync(providerId, cancellationToken);
        }

        var name = SchemeOf(providerId);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (client is null)
            {
                schemes.RemoveScheme(name);
                optionsCache.TryRemove(name);
                _versions.TryRemove(name, out _);
                return null;
            }

            if (_versions.TryGetValue(name, out var version) && version == client.Version)
            {
                return name;
            }

            optionsCache.TryRemove(name);
            optionsCache.TryAdd(name, OptionsFor(name, client));
            if (await schemes.GetSchemeAsync(name) is null)
            {
                schemes.AddScheme(new AuthenticationScheme(name, client.Name, typeof(OpenIdConnectHandler)));
            }

            _versions[name] = client.Version;
            return name;
        }
        finally
        {
            _lock.Release();
        }
    }

    private OpenIdConnectOptions OptionsFor(string scheme, SsoClient client)
    {
        var issuer = new Uri(client.Issuer);
        var options = new OpenIdConnectOptions
        {
            Authority = client.Issuer,
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret?.Reveal(),
            ResponseType = "code",
            ResponseMode = "query",
            UsePkce = true,
            CallbackPath = $"{SsoSignIn.CallbackPrefix}/{client.ProviderId}",
            SignInScheme = SessionCookie.Scheme,
            GetClaimsFromUserInfoEndpoint = true,
            MapInboundClaims = false,
            SaveTokens = false,

            // The provider record admits http only for a loopback issuer (a provider on the same machine).
            RequireHttpsMetadata = !issuer.IsLoopback,
        };
        options.Scope.Clear();
        foreach (var scope in client.Scopes)
        {
            options.Scope.Add(scope);
        }

        // The flow's own cookies come back on the provider's top-level redirect (a GET, with response_mode=query).
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Events.OnTicketReceived = context => SsoSignIn.TicketReceivedAsync(context, client.ProviderId);
        options.Events.OnRemoteFailure = context => SsoSignIn.RemoteFailureAsync(context, client.Name);
        new OpenIdConnectPostConfigureOptions(dataProtection).PostConfigure(scheme, options);
        return options;
    }
}
