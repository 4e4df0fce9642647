using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Http;

/// <summary>
/// Whether a request is for the API (answered with JSON and problem details, never redirected) or for the web UI
/// (answered with pages: a sign-in redirect, an error page). The API is everything under these prefixes.
/// </summary>
public static class RequestKind
{
    private static readonly PathString[] ApiPrefixes = ["/api", "/openapi", "/health", "/problems"];

    public static bool IsApi(this HttpRequest request) => ApiPrefixes.Any(prefix => request.Path.StartsWithSegments(prefix));
}
