using System.Security.Claims;
using MetaBackup.Core.Access;

namespace MetaBackup.Server.Access;

/// <summary>An <see cref="Actor"/> as the claims of a request's principal, and back: how authentication hands the actor to the application layer.</summary>
public static class ActorClaims
{
    public const string Name = "metabackup:actor";
    public const string Kind = "metabackup:kind";
    public const string UserId = "metabackup:user";
    public const string Permission = "metabackup:permission";

    /// <summary>The stamp a session cookie keeps (<see cref="SignedIn.SessionStamp"/>).</summary>
    public const string SessionStamp = "metabackup:session";

    public static ClaimsPrincipal Principal(Actor actor, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(Name, actor.Name),
            new Claim(Kind, actor.Kind.ToString()),
            .. actor.UserId is { } id ? [new Claim(UserId, id), new Claim(ClaimTypes.NameIdentifier, id)] : Array.Empty<Claim>(),
            .. actor.Permissions.Select(p => new Claim(Permission, p)),
        ],
        scheme,
        Name,
        null));

    /// <summary>The actor of an authenticated principal, or null for an anonymous one.</summary>
    public static Actor? ActorOf(ClaimsPrincipal principal, string? remoteAddress) =>
        principal.Identity is { IsAuthenticated: true } && principal.FindFirstValue(Name) is { } name && Enum.TryParse<ActorKind>(principal.FindFirstValue(Kind), out var kind)
            ? new Actor(name, kind, principal.FindAll(Permission).Select(c => c.Value).ToHashSet(), principal.FindFirstValue(UserId), remoteAddress)
            : null;
}
