using MetaBackup.Core.Access;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Application;

public sealed record AddCredential(CredentialInput Input, IReadOnlyDictionary<string, SecretText> Secrets) : Operation<CredentialProfile>
{
    public override string Permission => Permissions.CredentialsWrite;

    public override AuditEntry Audit => new("credentials.add", Input.Name ?? "");

    internal override Task<CredentialProfile> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new CredentialsService(context.Session).AddAsync(Input, Secrets, cancellationToken);
}

public sealed record ListCredentials : Operation<IReadOnlyList<CredentialProfile>>
{
    public override string Permission => Permissions.CredentialsRead;

    internal override async Task<IReadOnlyList<CredentialProfile>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new CredentialsService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowCredential(string Reference) : Operation<CredentialProfile>
{
    public override string Permission => Permissions.CredentialsRead;

    internal override Task<CredentialProfile> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new CredentialsService(context.Session).FindAsync(Reference, cancellationToken);
}

/// <summary>Changes a credential profile; secrets not given stay as stored.</summary>
public sealed record UpdateCredential(string Reference, CredentialInput Input, IReadOnlyDictionary<string, SecretText> Secrets, IReadOnlyCollection<string> UnsetSecrets, DateTimeOffset? IfVersion = null)
    : Operation<CredentialProfile>
{
    public override string Permission => Permissions.CredentialsWrite;

    public override AuditEntry Audit => new("credentials.update", Reference);

    internal override async Task<CredentialProfile> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var service = new CredentialsService(context.Session);
        RecordVersions.Expect(context.Session, await service.FindAsync(Reference, cancellationToken), IfVersion);
        return await service.UpdateAsync(Reference, Input, Secrets, UnsetSecrets, cancellationToken);
    }
}

public sealed record RemoveCredential(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.CredentialsWrite;

    public override AuditEntry Audit => new("credentials.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var service = new CredentialsService(context.Session);
        RecordVersions.Expect(context.Session, await service.FindAsync(Reference, cancellationToken), IfVersion);
        await service.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
