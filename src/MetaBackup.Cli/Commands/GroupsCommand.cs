using System.CommandLine;
using MetaBackup.Core.Access;
using MetaBackup.Core.Groups;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup groups add|list|show|update|remove</c>.</summary>
public static class GroupsCommand
{
    public static Command Build(CliHost host)
    {
        var name = Text("--name", "The group's name (unique).", "NAME");
        var description = Text("--description", "What the group is for.");
        var permissions = Many("--permissions", $"Comma-separated permissions, repeatable. Known: {string.Join(", ", Permissions.All)}.", "P1,P2");
        var reference = Reference("The group's id or name.");

        return Group("groups", "RBAC groups: users and SSO logins get their permissions from a group.",
            Make("add", "Add a group.", host, async (cli, ct) =>
            {
                var session = await cli.OpenAsync(ct);
                var group = await new GroupsService(session).AddAsync(cli.Get(name) ?? throw new UsageException("--name is required."), cli.Get(description), List(cli.Get(permissions)), ct);
                return RecordCommands.Done(cli, session, group);
            }, name, description, permissions),
            RecordCommands.List<Group>(host, (_, s, ct) => new GroupsService(s).ListAsync(ct), ["id", "name", "permissions"]),
            RecordCommands.Show<Group>(host, (s, r, ct) => new GroupsService(s).FindAsync(r, ct)),
            Make("update", "Change a group; --permissions replaces the whole list.", host, async (cli, ct) =>
            {
                var session = await cli.OpenAsync(ct);
                var given = cli.Get(permissions) is { Length: > 0 } p ? List(p) : null;
                return RecordCommands.Done(cli, session, await new GroupsService(session).UpdateAsync(cli.Get(reference), cli.Get(name), cli.Get(description), given, ct));
            }, reference, name, description, permissions),
            RecordCommands.Remove<Group>(host, (s, r, ct) => new GroupsService(s).RemoveAsync(r, ct)));
    }
}
