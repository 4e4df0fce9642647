using MetaBackup.Core.Access;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;

namespace MetaBackup.Core.Application;

public sealed record AddUser(UserInput Input, SecretText? Password) : Operation<User>
{
    public override string Permission => Permissions.UsersWrite;

    public override AuditEntry Audit => new("users.add", Input.Email ?? "");

    internal override Task<User> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new UsersService(context.Session).AddAsync(Input, Password, cancellationToken);
}

public sealed record ListUsers : Operation<IReadOnlyList<User>>
{
    public override string Permission => Permissions.UsersRead;

    internal override async Task<IReadOnlyList<User>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new UsersService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowUser(string Reference) : Operation<User>
{
    public override string Permission => Permissions.UsersRead;

    internal override Task<User> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new UsersService(context.Session).FindAsync(Reference, cancellationToken);
}

/// <summary>Changes a user; a password not given stays as it is.</summary>
public sealed record UpdateUser(string Reference, UserInput Input, SecretText? Password, DateTimeOffset? IfVersion = null) : Operation<User>
{
    public override string Permission => Permissions.UsersWrite;

    public override AuditEntry Audit => new("users.update", Reference);

    internal override async Task<User> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var users = new UsersService(context.Session);
        RecordVersions.Expect(context.Session, await users.FindAsync(Reference, cancellationToken), IfVersion);
        return await users.UpdateAsync(Reference, Input, Password, cancellationToken);
    }
}

public sealed record RemoveUser(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.UsersWrite;

    public override AuditEntry Audit => new("users.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var users = new UsersService(context.Session);
        RecordVersions.Expect(context.Session, await users.FindAsync(Reference, cancellationToken), IfVersion);
        await users.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
