using MetaBackup.Core.Access;
using MetaBackup.Core.ApiKeys;

namespace MetaBackup.Core.Application;

/// <summary>Creates an API key; the result holds the key itself, which exists nowhere else and is shown once.</summary>
public sealed record AddApiKey(string Name, string User, IReadOnlyList<string> GrantedPermissions, DateTimeOffset? ExpiresAt) : Operation<IssuedApiKey>
{
    public override string Permission => Permissions.ApiKeysWrite;

    public override AuditEntry Audit => new("apikeys.add", $"{Name} for {User}");

    internal override Task<IssuedApiKey> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new ApiKeysService(context.Session).AddAsync(Name, User, GrantedPermissions, ExpiresAt, cancellationToken);
}

public sealed record ListApiKeys : Operation<IReadOnlyList<ApiKey>>
{
    public override string Permission => Permissions.ApiKeysRead;

    internal override async Task<IReadOnlyList<ApiKey>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new ApiKeysService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowApiKey(string Reference) : Operation<ApiKey>
{
    public override string Permission => Permissions.ApiKeysRead;

    internal override Task<ApiKey> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new ApiKeysService(context.Session).FindAsync(Reference, cancellationToken);
}

public sealed record UpdateApiKey(string Reference, string? Name, IReadOnlyList<string>? GrantedPermissions, DateTimeOffset? ExpiresAt, bool ClearExpiry, DateTimeOffset? IfVersion = null) : Operation<ApiKey>
{
    public override string Permission => Permissions.ApiKeysWrite;

    public override AuditEntry Audit => new("apikeys.update", Reference);

    internal override async Task<ApiKey> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var keys = new ApiKeysService(context.Session);
        RecordVersions.Expect(context.Session, await keys.FindAsync(Reference, cancellationToken), IfVersion);
        return await keys.UpdateAsync(Reference, Name, GrantedPermissions, ExpiresAt, ClearExpiry, cancellationToken);
    }
}

/// <summary>Revokes an API key: it stops working at once.</summary>
public sealed record RemoveApiKey(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.ApiKeysWrite;

    public override AuditEntry Audit => new("apikeys.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var keys = new ApiKeysService(context.Session);
        RecordVersions.Expect(context.Session, await keys.FindAsync(Reference, cancellationToken), IfVersion);
        await keys.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
