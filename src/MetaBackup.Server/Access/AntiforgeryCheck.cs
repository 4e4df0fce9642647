using MetaBackup.Core.Configuration;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Access;

/// <summary>
/// Cross-site request forgery (docs/api.md, "Sessions"): a request that changes something and is authenticated by
/// the session cookie — which a browser sends by itself — must also carry the antiforgery token, in the
/// <see cref="HeaderName"/> header or a form field. API keys are not sent by browsers on their own and need none.
/// </summary>
public sealed class AntiforgeryCheck(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsUnsafe(context.Request.Method) && context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionCookie.Scheme })
        {
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                await Problems.WriteAsync(context, Problems.Of(
                    ErrorCode.Forbidden,
                    "This request is signed in by the session cookie but carries no valid antiforgery token; nothing was changed.",
                    $"Send the token from GET /api/v1/session in the {HeaderName} header.",
                    new Dictionary<string, string> { ["reason"] = "antiforgery" }));
                return;
            }
        }

        await next(context);
    }

    private static bool IsUnsafe(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
}
