namespace MetaBackup.Core.Access;

/// <summary>How an actor proved who it is.</summary>
public enum ActorKind
{
    /// <summary>Someone at the server's command line, with the data directory in hand: may do everything.</summary>
    Operator,

    /// <summary>A signed-in user (password or SSO).</summary>
    User,

    /// <summary>A script with an API key, acting for its user with at most the user's permissions.</summary>
    ApiKey,

    /// <summary>MetaBackup itself (the scheduler), acting on the operator's settings.</summary>
    System,

    /// <summary>Nobody has signed in.</summary>
    Anonymous,
}

/// <summary>
/// Who is acting, for the permission check every operation makes and for the audit log (docs/api.md,
/// "Permissions"): a name as the audit log shows it, what the actor may do, and where it acts from.
/// </summary>
public sealed record Actor(string Name, ActorKind Kind, IReadOnlySet<string> Permissions, string? UserId = null, string? RemoteAddress = null)
{
    public static Actor Operator(string name) => new($"cli:{name}", ActorKind.Operator, Access.Permissions.All.ToHashSet());

    public static readonly Actor System = new("system", ActorKind.System, Access.Permissions.All.ToHashSet());

    public static Actor Anonymous(string? remoteAddress) => new("anonymous", ActorKind.Anonymous, new HashSet<string>(), RemoteAddress: remoteAddress);

    public bool May(string permission) => Permissions.Contains(permission);
}
