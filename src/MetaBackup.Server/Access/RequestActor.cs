using MetaBackup.Core.Access;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Access;

/// <summary>Hands the request's caller, as authentication found it, to the request's unit of work: its operations run as that actor.</summary>
public sealed class RequestActor(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        context.RequestServices.GetRequiredService<MetaBackupScope>().Actor = ActorClaims.ActorOf(context.User, address) ?? Actor.Anonymous(address);
        return next(context);
    }
}
