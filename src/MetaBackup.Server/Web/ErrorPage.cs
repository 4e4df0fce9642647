using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web;

/// <summary>
/// An error a page request met outside a page — not signed in properly, no such page, a refused antiforgery token,
/// an unexpected failure — as a small page of its own: the same status and words as the API's problem details.
/// </summary>
public static class ErrorPage
{
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        var html = HtmlEncoder.Default;
        var hint = problem.Extensions.TryGetValue("hint", out var value) && value is string text ? $"<p>{html.Encode(text)}</p>" : "";
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{html.Encode(problem.Title ?? "Error")} — MetaBackup</title>
            <link rel="stylesheet" href="{WebUi.AssetsPath}/site.css?v={WebUi.AssetVersion}"></head>
            <body><main id="main" class="narrow">
            <h1>{html.Encode(problem.Title ?? "Error")}</h1>
            <p class="error" role="alert">{html.Encode(problem.Detail ?? "")}</p>
            {hint}
            <p><a href="/">Back to the dashboard</a></p>
            </main></body></html>
            """, context.RequestAborted);
    }
}
