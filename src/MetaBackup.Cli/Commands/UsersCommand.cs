using System.CommandLine;
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
                var session = await cli.OpenAsync(ct);
                var input = new UserInput(cli.Get(email) ?? throw new UsageException("--email is required."), cli.Get(name), cli.Get(group), cli.Get(disabled));
                return RecordCommands.Done(cli, session, await new UsersService(session).AddAsync(input, cli.Secrets.ReadSingle(cli.Get(secret), "password", "Users"), ct));
            }, email, name, group, secret, disabled),
            RecordCommands.List<User>(host, (_, s, ct) => new UsersService(s).ListAsync(ct), ["id", "email", "name", "groupId", "disabled", "secrets.passwordHash"]),
            RecordCommands.Show<User>(host, (s, r, ct) => new UsersService(s).FindAsync(r, ct)),
            Make("update", "Change a user; options not given stay as they are.", host, async (cli, ct) =>
            {
                var session = await cli.OpenAsync(ct);
                var groupChange = cli.Get(noGroup) ? "" : cli.Get(group);
                var input = new UserInput(cli.Get(email), cli.Get(name), groupChange, OnOff(cli.Get(enable), cli.Get(disable)));
                return RecordCommands.Done(cli, session, await new UsersService(session).UpdateAsync(cli.Get(reference), input, cli.Secrets.ReadSingle(cli.Get(secret), "password", "Users"), ct));
            }, reference, email, name, group, noGroup, secret, enable, disable),
            RecordCommands.Remove<User>(host, (s, r, ct) => new UsersService(s).RemoveAsync(r, ct)));
    }
}
