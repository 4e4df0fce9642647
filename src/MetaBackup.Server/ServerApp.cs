using MetaBackup.Core.Application;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
using MetaBackup.Hosting;
using MetaBackup.Server.Access;
using MetaBackup.Server.Endpoints;
using MetaBackup.Server.Hosting;
using MetaBackup.Server.Http;
using MetaBackup.Server.OpenApi;
using MetaBackup.Server.Web;
using MetaBackup.Server.Web.Sso;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;

namespace MetaBackup.Server;

/// <summary>
/// The server (docs/api.md): MetaBackup's composition (MetaBackup.Hosting) plus what is the server's own — the
/// background run queue and its worker, the scheduler, sign-in, problem details, the REST API under <c>/api/v1</c>,
/// its OpenAPI document and reference page, <c>/health</c>, and the web UI (docs/ui.md). Read top to bottom, this is the table of contents.
/// </summary>
public static class ServerApp
{
    /// <summary>Builds the server; <see cref="StartupGate"/> has not run yet.</summary>
    public static WebApplication Build(ServerSettings settings, ILoggerFactory loggerFactory)
    {
        if (settings.Clock is Hosting.ScaledClock testClock)
        {
            loggerFactory.CreateLogger(typeof(ServerApp)).LogWarning("{Variable} is set: this server's clock runs {Clock}. It is for tests only", Hosting.ScaledClock.Variable, testClock);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Urls);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings.Clock);

        // Runs go to the background queue's worker here (the CLI runs them in the caller), then MetaBackup's own parts.
        builder.Services.AddSingleton(provider => new BackgroundRunQueue(
            ct => provider.GetRequiredService<ConfigurationStore>().OpenAsync(Core.Access.Actor.System, ct),
            settings.DataDirectory,
            provider.GetRequiredService<BackupStores>(),
            provider.GetRequiredService<RunClaimant>(),
            loggerFactory.CreateLogger<BackgroundRunQueue>()));
        builder.Services.AddSingleton<IRunQueue>(provider => provider.GetRequiredService<BackgroundRunQueue>());
        builder.Services.AddMetaBackup(settings.DataDirectory, settings.Environment);
        builder.Services.AddSingleton<StartupGate>();
        builder.Services.AddHostedService<RunWorker>();
        builder.Services.AddHostedService<LeftOverRunSweeper>();
        if (settings.RunScheduler)
        {
            builder.Services.AddHostedService<SchedulerService>();
        }

        builder.Services.AddSingleton(new ImportLimits(settings.MaxUploadBytes, settings.ImportSessionIdle));
        builder.Services.AddHostedService<ImportSessionSweeper>();

        builder.Services.AddServerAccess(settings);
        builder.Services.ConfigureHttpJsonOptions(options => Core.Secrets.SecretMasking.ForViews(options.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ErrorResponses>();
        builder.Services.AddProblemDetails();
        builder.Services.AddApiDocument();
        builder.Services.AddWebUi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ErrorResponses.WriteStatusAsync);
        app.UseSsoCallbacks();
        app.UseServerAccess();

        app.MapHealthEndpoints();
        app.MapProblemEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference("/api/reference", options => options
            .WithTitle("MetaBackup API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry())
            .AllowAnonymous();

        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapSessionEndpoints();
        api.MapSettingsEndpoints();
        api.MapConfigurationEndpoints();
        api.MapVaultEndpoints();
        api.MapExportEndpoints();
        api.MapImportEndpoints();
        api.MapTaskEndpoints();
        api.MapSystemEndpoints();

        app.MapWebUi();
        return app;
    }

    /// <summary>
    /// Runs the server until <paramref name="cancellationToken"/> is cancelled (SIGINT / SIGTERM): passes the start-up
    /// gate (initialising an empty data directory), listens, and tells <paramref name="announce"/> where.
    /// </summary>
    public static async Task RunAsync(ServerSettings settings, ILoggerFactory loggerFactory, Action<string> announce, CancellationToken cancellationToken)
    {
        await using var app = Build(settings, loggerFactory);

        // The gate logs what it did — a generated system key loudly — to the console and the data directory's logs.
        await app.Services.GetRequiredService<StartupGate>().PassAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var logger = loggerFactory.CreateLogger("MetaBackup.Server");
        logger.LogInformation("Runtime: {Runtime}", RuntimeSummary.Describe());
        foreach (var address in Addresses(app))
        {
            logger.LogInformation("Serving {DataDirectory} on {Address}", settings.DataDirectory.Root, address);
            announce($"MetaBackup is listening on {address} (API reference: {address}/api/reference)");
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        logger.LogInformation("Stopping: the run in progress, if any, is recorded as interrupted");
        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>The addresses the server listens on (with the port it was given when asked for port 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
}
