using System.Text.Json;
using MetaBackup.Core.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Http;

/// <summary>Builds the API's RFC 9457 problem details: the type's status and URI, the error's message, hint, code and details.</summary>
public static class Problems
{
    public static ProblemDetails Of(ErrorCode code, string detail, string? hint = null, IReadOnlyDictionary<string, string>? details = null)
    {
        var type = ProblemTypes.For(code);
        var problem = new ProblemDetails { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = detail };
        problem.Extensions["code"] = type.Slug;
        if (hint is not null)
        {
            problem.Extensions["hint"] = hint;
        }

        if (details is { Count: > 0 })
        {
            problem.Extensions["details"] = details;
        }

        return problem;
    }

    public static ProblemDetails Of(MetaBackupException error) => Of(error.Code, error.Message, error.Hint, error.Details);

    /// <summary>A problem response (typed, for endpoints that return one without throwing).</summary>
    public static IResult Result(ErrorCode code, string detail, string? hint = null, IReadOnlyDictionary<string, string>? details = null) =>
        TypedResults.Problem(Of(code, detail, hint, details));

    /// <summary>Writes a problem to a response no endpoint answered (authentication, limits, the exception handler).</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (!context.Request.IsApi())
        {
            // A person with a browser gets the same answer as a page (docs/ui.md, "Errors").
            await Web.ErrorPage.WriteAsync(context, problem);
            return;
        }

        problem.Instance ??= context.Request.Path;
        problem.Extensions["traceId"] = context.TraceIdentifier;
        context.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJson.Options, context.RequestAborted);
    }
}
