using MetaBackup.Core.Access;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Sso;

namespace MetaBackup.Core.Application;

public sealed record AddSsoProvider(SsoInput Input, SecretText? ClientSecret) : Operation<SsoProvider>
{
    public override string Permission => Permissions.SsoWrite;

    public override AuditEntry Audit => new("sso.add", Input.ProviderId ?? "");

    internal override Task<SsoProvider> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new SsoService(context.Session).AddAsync(Input, ClientSecret, cancellationToken);
}

public sealed record ListSsoProviders : Operation<IReadOnlyList<SsoProvider>>
{
    public override string Permission => Permissions.SsoRead;

    internal override async Task<IReadOnlyList<SsoProvider>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new SsoService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowSsoProvider(string Reference) : Operation<SsoProvider>
{
    public override string Permission => Permissions.SsoRead;

    internal override Task<SsoProvider> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new SsoService(context.Session).FindAsync(Reference, cancellationToken);
}

/// <summary>Changes an SSO provider; a client secret not given stays as stored.</summary>
public sealed record UpdateSsoProvider(string Reference, SsoInput Input, SecretText? ClientSecret, DateTimeOffset? IfVersion = null) : Operation<SsoProvider>
{
    public override string Permission => Permissions.SsoWrite;

    public override AuditEntry Audit => new("sso.update", Reference);

    internal override async Task<SsoProvider> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var providers = new SsoService(context.Session);
        RecordVersions.Expect(context.Session, await providers.FindAsync(Reference, cancellationToken), IfVersion);
        return await providers.UpdateAsync(Reference, Input, ClientSecret, cancellationToken);
    }
}

public sealed record RemoveSsoProvider(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.SsoWrite;

    public override AuditEntry Audit => new("sso.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var providers = new SsoService(context.Session);
        RecordVersions.Expect(context.Session, await providers.FindAsync(Reference, cancellationToken), IfVersion);
        await providers.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
