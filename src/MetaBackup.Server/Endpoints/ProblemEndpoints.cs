using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>What a problem type means, served at its URI.</summary>
public sealed record ProblemTypeDescription(string Type, string Code, int Status, string Title, string Description);

/// <summary><c>GET /problems/{code}</c>: each problem type's URI resolves to what it means (RFC 9457 §3.1.1).</summary>
public static class ProblemEndpoints
{
    public static IEndpointRouteBuilder MapProblemEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/problems/{code}", (string code) => ProblemTypes.FromSlug(code) is { } type
                ? Results.Ok(new ProblemTypeDescription(type.Uri, type.Slug, type.Status, type.Title, type.Description))
                : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
