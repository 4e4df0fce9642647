using System.Reflection;
using MetaBackup.Server.Web.Sso;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace MetaBackup.Server.Web;

/// <summary>
/// The web UI (docs/ui.md): Razor Pages rendered on the server from <c>Web/Pages</c>, each calling the same
/// operations as the API; a stylesheet and one pinned script (htmx) served from the assembly, so it works offline.
/// Every page but sign-in and first run needs a session; every form carries an antiforgery token.
/// </summary>
public static class WebUi
{
    public const string SignInPath = "/signin";
    public const string SetupPath = "/setup";
    public const string AssetsPath = "/assets";

    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Web/Pages";
                options.Conventions.AuthorizeFolder("/");
                options.Conventions.AllowAnonymousToPage("/SignIn");
                options.Conventions.AllowAnonymousToPage("/Setup");
            })
            .AddApplicationPart(typeof(WebUi).Assembly);
        services.AddSsoSignIn();
        return services;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(WebUi).Assembly, "MetaBackup.Server.Web.Assets"),
            RequestPath = AssetsPath,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.MapRazorPages();
        app.MapSsoSignIn();
        return app;
    }

    /// <summary>A page asked for without a session goes to sign-in, and back afterwards; a local return address only.</summary>
    public static Task RedirectToSignInAsync(HttpContext context)
    {
        var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    /// <summary>The version the assets are served under, so a new build's assets are not taken from a cache.</summary>
    public static string AssetVersion { get; } = typeof(WebUi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
