using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Tests;

/// <summary>One route the app maps: its method and pattern, as the endpoint data source has it.</summary>
public sealed record ApiRoute(string Method, string Pattern, bool Anonymous)
{
    public override string ToString() => $"{Method} {Pattern}";
}

/// <summary>
/// The routes the running app maps — read from the app itself, so a route added later is in every test that walks
/// them — and for each a request that is well-formed, so that only the caller's rights decide its answer.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Routes open to anyone, or that need only a signed-in caller (their own session).</summary>
    public static readonly IReadOnlySet<string> NeedNoPermission = new HashSet<string>
    {
        "GET /api/v1/setup", "POST /api/v1/setup", "POST /api/v1/session", "GET /api/v1/session", "DELETE /api/v1/session",
    };

    public static IReadOnlyList<ApiRoute> Of(RunningServer server) =>
        [.. server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m =>
                new ApiRoute(m, e.RoutePattern.RawText!, e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];

    /// <summary>A well-formed request for the route: its path with sample values, and its body.</summary>
    public static (string Path, object? Body, HttpContent? Content) SampleRequest(ApiRoute route)
    {
        var path = route.Pattern
            .Replace("{reference}", "sample", StringComparison.Ordinal)
            .Replace("{key}", "system.timezone", StringComparison.Ordinal)
            .Replace("{id:long}", "1", StringComparison.Ordinal)
            .Replace("{id}", "0123456789abcdef", StringComparison.Ordinal)
            .Replace("{name}", "pre-import_sample.json.gz.enc", StringComparison.Ordinal);
        const string hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        object? body = route.ToString() switch
        {
            "POST /api/v1/credentials/" or "PATCH /api/v1/credentials/{reference}" => new { name = "sample" },
            "POST /api/v1/users/" or "PATCH /api/v1/users/{reference}" => new { email = "sample@example.com" },
            "POST /api/v1/groups/" or "PATCH /api/v1/groups/{reference}" => new { name = "sample" },
            "POST /api/v1/sso-providers/" or "PATCH /api/v1/sso-providers/{reference}" => new { providerId = "sample" },
            "POST /api/v1/jobs/" or "PATCH /api/v1/jobs/{reference}" => new { name = "sample" },
            "POST /api/v1/adapters/" or "PATCH /api/v1/adapters/{reference}" => new { kind = "storage", type = "local", name = "sample", config = new { path = "/tmp/sample" } },
            "POST /api/v1/api-keys/" or "PATCH /api/v1/api-keys/{reference}" => new { name = "sample", user = "sample@example.com" },
            "PUT /api/v1/settings/{key}" => new { value = "UTC" },
            "POST /api/v1/profiles/" => new { name = "sample" },
            "POST /api/v1/profiles/import-key" => new { key = hexKey },
            "POST /api/v1/export/download" => new { },
            "POST /api/v1/export/destination" => new { storage = "sample" },
            "POST /api/v1/imports/from-destination" => new { storage = "sample", file = "config_backup_20260101T000000Z.json.gz" },
            "POST /api/v1/imports/{id}/key" => new { key = hexKey },
            "POST /api/v1/imports/{id}/plan" => new { mode = "full" },
            "POST /api/v1/imports/{id}/apply" => new { planDigest = "sample" },
            "POST /api/v1/imports/{id}/missing-secrets" => new { area = "adapters", recordId = "0123456789abcdef", field = "config.password", value = "sample" },
            "POST /api/v1/system-key/rotate" => new { },
            "POST /api/v1/session" => new { email = "sample@example.com", password = "sample password" },
            "POST /api/v1/setup" => new { email = "sample@example.com", password = "sample password" },
            _ => null,
        };
        HttpContent? content = null;
        if (route.ToString() == "POST /api/v1/imports/upload")
        {
            content = new ByteArrayContent("not a backup"u8.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        path += route.ToString() switch
        {
            "GET /api/v1/backups" => "?storage=sample",
            "GET /api/v1/tasks/config-backup/schedule-preview" => "?schedule=0+3+*+*+*",
            _ => "",
        };

        return (path, body, content);
    }
}
