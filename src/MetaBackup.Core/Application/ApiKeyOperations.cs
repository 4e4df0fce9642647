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

/// <summary>An API key with when and from where it was last used (never the key: only its hash is kept).</summary>
public sealed record ApiKeyView(ApiKey ApiKey, DateTimeOffset? LastUsedAt, string? LastUsedFrom)
{
    internal static async Task<IReadOnlyList<ApiKeyView>> OfAsync(OperationContext context, IEnumerable<ApiKey> keys, CancellationToken cancellationToken)
    {
        var usage = await new AccessService(context.Session).ApiKeyUsageAsync(cancellationToken);
        return [.. keys.Select(k => usage.TryGetValue(k.Id, out var used) ? new ApiKeyView(k, used.LastUsedAt, used.LastUsedFrom) : new ApiKeyView(k, null, null))];
    }
}

public sealed record ListApiKeys : Operation<IReadOnlyList<ApiKeyView>>
{
    public override string Permission => Permissions.ApiKeysRead;

    internal override async Task<IReadOnlyList<ApiKeyView>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await ApiKeyView.OfAsync(context, await new ApiKeysService(context.Session).ListAsync(cancellationToken), cancellationToken);
}

public sealed record ShowApiKey(string Reference) : Operation<ApiKeyView>
{
    public override string Permission => Permissions.ApiKeysRead;

    internal override async Task<ApiKeyView> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        (await ApiKeyView.OfAsync(context, [await new ApiKeysService(context.Session).FindAsync(Reference, cancellationToken)], cancellationToken))[0];
}

public sealed record UpdateApiKey(string Reference, string? Name, IReadOnlyList<string>? GrantedPermissions, DateTimeOffset? ExpiresAt, bool ClearExpiry, DateTimeOffset? IfVersion = null) : Operation<ApiKeyView>
{
    public override string Permission => Permissions.ApiKeysWrite;

    public override AuditEntry Audit => new("apikeys.update", Reference);

    internal override async Task<ApiKeyView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var keys = new ApiKeysService(context.Session);
        RecordVersions.Expect(context.Session, await keys.FindAsync(Reference, cancellationToken), IfVersion);
        return (await ApiKeyView.OfAsync(context, [await keys.UpdateAsync(Reference, Name, GrantedPermissions, ExpiresAt, ClearExpiry, cancellationToken)], cancellationToken))[0];
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
