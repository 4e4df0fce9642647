using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
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
                var add = new AddGroup(cli.Get(name) ?? throw new UsageException("--name is required."), cli.Get(description), List(cli.Get(permissions)));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(add, ct)));
            }, name, description, permissions),
            RecordCommands.List(host, ConfigurationAreas.Groups, _ => new ListGroups(), Views.Of, ["id", "name", "permissions"]),
            RecordCommands.Show(host, ConfigurationAreas.Groups, r => new ShowGroup(r), Views.Of),
            Make("update", "Change a group; --permissions replaces the whole list.", host, async (cli, ct) =>
            {
                var given = cli.Get(permissions) is { Length: > 0 } p ? List(p) : null;
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(new UpdateGroup(cli.Get(reference), cli.Get(name), cli.Get(description), given), ct)));
            }, reference, name, description, permissions),
            RecordCommands.Remove(host, ConfigurationAreas.Groups, r => new RemoveGroup(r)));
    }
}
