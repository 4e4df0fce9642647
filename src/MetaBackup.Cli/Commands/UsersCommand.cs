using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Users;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup users add|list|show|update|remove</c>.</summary>
public static class UsersCommand
{
    public static Command Build(CliHost host)
    {
        var email = Text("--email", "The user's email address (unique; how they sign in).", "EMAIL");
        var name = Text("--name", "The user's display name.", "NAME");
        var group = Text("--group", "The group the user belongs to (id or name).", "GROUP");
        var noGroup = Flag("--no-group", "Take the user out of their group (update only).");
        var secret = SecretOptions.Secret(["password"]);
        var disabled = Flag("--disabled", "Create the account disabled.");
        var enable = Flag("--enable", "Enable the account.");
        var disable = Flag("--disable", "Disable the account.");
        var reference = Reference("The user's id or email.");

        return Group("users", "Local user accounts. Passwords are stored only as a salted PBKDF2 hash.",
            Make("add", "Add a user.", host, async (cli, ct) =>
            {
                var input = new UserInput(cli.Get(email) ?? throw new UsageException("--email is required."), cli.Get(name), cli.Get(group), cli.Get(disabled));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(new AddUser(input, cli.Secrets.ReadSingle(cli.Get(secret), "password", "Users")), ct)));
            }, email, name, group, secret, disabled),
            RecordCommands.List(host, ConfigurationAreas.Users, _ => new ListUsers(), Views.Of, ["id", "email", "name", "groupId", "disabled", "secrets.passwordHash"]),
            RecordCommands.Show(host, ConfigurationAreas.Users, r => new ShowUser(r), Views.Of),
            Make("update", "Change a user; options not given stay as they are.", host, async (cli, ct) =>
            {
                var groupChange = cli.Get(noGroup) ? "" : cli.Get(group);
                var input = new UserInput(cli.Get(email), cli.Get(name), groupChange, OnOff(cli.Get(enable), cli.Get(disable)));
                var update = new UpdateUser(cli.Get(reference), input, cli.Secrets.ReadSingle(cli.Get(secret), "password", "Users"));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(update, ct)));
            }, reference, email, name, group, noGroup, secret, enable, disable),
            RecordCommands.Remove(host, ConfigurationAreas.Users, r => new RemoveUser(r)));
    }
}
