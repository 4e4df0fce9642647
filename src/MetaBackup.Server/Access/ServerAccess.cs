using System.Threading.RateLimiting;
using MetaBackup.Core.Configuration;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using MetaBackup.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Access;

/// <summary>
/// Who may call the API (docs/api.md, "Authentication"): the session cookie or an API key identifies the caller;
/// every <c>/api/v1</c> route but sign-in and set-up needs one of them; what the caller may then do is the
/// application layer's decision, by the permission each operation declares. Sign-in is rate-limited per address.
/// </summary>
public static class ServerAccess
{
    /// <summary>The default scheme: an API key when the request brings one, else the session cookie.</summary>
    public const string Scheme = "MetaBackup";

    public const string SignInLimit = "sign-in";

    public static IServiceCollection AddServerAccess(this IServiceCollection services, ServerSettings settings)
    {
        // The keys that protect session cookies and antiforgery tokens live in the configuration database, sealed under
        // the system key: every instance on one database accepts what another signed (docs/database.md).
        services.AddDataProtection().SetApplicationName("MetaBackup");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new DatabaseKeyRepository(provider.GetRequiredService<ConfigurationStore>(), provider.GetRequiredService<ILogger<DatabaseKeyRepository>>())));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Session cookie or API key", options =>
                options.ForwardDefaultSelector = context =>
                    ApiKeyAuthenticationHandler.BearerToken(context.Request.Headers.Authorization.ToString()) is not null
                        ? ApiKeyAuthenticationHandler.SchemeName
                        : SessionCookie.Scheme)
            .AddCookie(SessionCookie.Scheme, SessionCookie.Configure)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DeniedRequests>();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryCheck.HeaderName;
            options.Cookie.Name = "metabackup.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SignInAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, Problems.Of(
                    ErrorCode.TooManyRequests,
                    $"Too many sign-in attempts from this address; try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds."));
            };
        });
        return services;
    }

    public static IApplicationBuilder UseServerAccess(this IApplicationBuilder app) => app
        .UseAuthentication()
        .UseMiddleware<RequestActor>()
        .UseRateLimiter()
        .UseAuthorization()
        .UseMiddleware<AntiforgeryCheck>();
}
