using MetaBackup.Core.Application;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A setting's new value.</summary>
public sealed record SettingValue(string Value);

/// <summary><c>/api/v1/settings</c>: every known setting (its value or default) and every other stored one; set and unset by key.</summary>
public static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettingsEndpoints(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings");
        settings.MapGet("/", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListSettings(), ct)))
            .WithName("Settings.list").WithSummary("Every known setting (stored value or default, with what it is for) and every other stored one.");
        settings.MapGet("/{key}", async (string key, MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new GetSetting(key), ct)))
            .WithName("Settings.get").WithSummary("One setting as MetaBackup reads it.");
        settings.MapPut("/{key}", async (string key, SettingValue body, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new SetSetting(key, body.Value), ct)))
            .WithName("Settings.set").WithSummary("Set a setting, checked by its rules (a reference by name is stored as the id).");
        settings.MapDelete("/{key}", async (string key, MetaBackupScope app, CancellationToken ct) =>
            {
                await app.RunAsync(new UnsetSetting(key), ct);
                return TypedResults.NoContent();
            })
            .WithName("Settings.unset").WithSummary("Remove a stored setting (a known one falls back to its default).");
        return api;
    }
}
