using MetaBackup.Core.Access;
using MetaBackup.Core.Groups;

namespace MetaBackup.Core.Application;

public sealed record AddGroup(string Name, string? Description, IReadOnlyList<string> GrantedPermissions) : Operation<Group>
{
    public override string Permission => Permissions.GroupsWrite;

    public override AuditEntry Audit => new("groups.add", Name);

    internal override Task<Group> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new GroupsService(context.Session).AddAsync(Name, Description, GrantedPermissions, cancellationToken);
}

public sealed record ListGroups : Operation<IReadOnlyList<Group>>
{
    public override string Permission => Permissions.GroupsRead;

    internal override async Task<IReadOnlyList<Group>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new GroupsService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowGroup(string Reference) : Operation<Group>
{
    public override string Permission => Permissions.GroupsRead;

    internal override Task<Group> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new GroupsService(context.Session).FindAsync(Reference, cancellationToken);
}

public sealed record UpdateGroup(string Reference, string? Name, string? Description, IReadOnlyList<string>? GrantedPermissions, DateTimeOffset? IfVersion = null) : Operation<Group>
{
    public override string Permission => Permissions.GroupsWrite;

    public override AuditEntry Audit => new("groups.update", Reference);

    internal override async Task<Group> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var groups = new GroupsService(context.Session);
        RecordVersions.Expect(context.Session, await groups.FindAsync(Reference, cancellationToken), IfVersion);
        return await groups.UpdateAsync(Reference, Name, Description, GrantedPermissions, cancellationToken);
    }
}

public sealed record RemoveGroup(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.GroupsWrite;

    public override AuditEntry Audit => new("groups.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var groups = new GroupsService(context.Session);
        RecordVersions.Expect(context.Session, await groups.FindAsync(Reference, cancellationToken), IfVersion);
        await groups.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
