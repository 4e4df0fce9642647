using System.Text.Json;
using MetaBackup.Core.Configuration;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server.Http;

/// <summary>
/// Every failure a request meets, as problem details (docs/api.md, "Errors"): the application layer's errors by
/// their code; a body that is not the JSON expected, a wrong content type or an oversized body as bad input; anything
/// else as a 500 whose details stay in the log. No message repeats a request body, so none can echo a secret.
/// </summary>
public sealed class ErrorResponses(ILogger<ErrorResponses> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            MetaBackupException e => Problems.Of(e),
            BadHttpRequestException e => BadRequest(e),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "{Method} {Path} failed unexpectedly", context.Request.Method, context.Request.Path);
            problem = Problems.Of(ErrorCode.Failed, $"The request failed unexpectedly ({exception.GetType().Name}); the server's log has the details.");
        }
        else if (problem.Status >= 500)
        {
            logger.LogWarning("{Method} {Path} failed: {Message}", context.Request.Method, context.Request.Path, problem.Detail);
        }

        await Problems.WriteAsync(context, problem);
        return true;
    }

    /// <summary>
    /// An error status the framework set without a body (no such route, a method the route does not take, a content
    /// type it does not accept): the same problem details as every other error.
    /// </summary>
    public static Task WriteStatusAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        var problem = status switch
        {
            StatusCodes.Status404NotFound => Problems.Of(ErrorCode.NotFound, $"There is no {context.HttpContext.Request.Path} here.", "See /openapi/v1.json for the routes."),
            StatusCodes.Status405MethodNotAllowed => Problems.Of(ErrorCode.InvalidInput, $"{context.HttpContext.Request.Path} does not take {context.HttpContext.Request.Method}.", "See /openapi/v1.json for the routes."),
            StatusCodes.Status415UnsupportedMediaType => Problems.Of(ErrorCode.InvalidInput, "The request body has a content type this route does not accept.", "Send application/json (an upload: application/octet-stream)."),
            _ => null,
        };
        if (problem is null)
        {
            return Task.CompletedTask;
        }

        problem.Status = status;
        return Problems.WriteAsync(context.HttpContext, problem);
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails BadRequest(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(ErrorCode.TooLarge, "The request body is larger than this server accepts.");
        }

        var json = e.InnerException as JsonException;
        var problem = e.StatusCode == StatusCodes.Status415UnsupportedMediaType
            ? Problems.Of(ErrorCode.InvalidInput, "The request body has a content type this route does not accept.", "Send application/json (an upload: application/octet-stream).")
            : json is not null
                ? Problems.Of(ErrorCode.InvalidInput, $"The request body is not the JSON this route expects{(json.Path is { Length: > 0 } path ? $" (at {path})" : "")}.", "Check the body against the route's schema in /openapi/v1.json.")
                : Problems.Of(ErrorCode.InvalidInput, Describe(e));
        problem.Status = e.StatusCode;
        return problem;
    }

    /// <summary>The framework's own message for a missing body or parameter names the parameter, never a value.</summary>
    private static string Describe(BadHttpRequestException e) =>
        e.Message.Contains("body", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase)
            ? "The request body is missing or is not JSON."
            : e.Message;
}
