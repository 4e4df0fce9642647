using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Secrets;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup credentials add|list|show|update|remove</c>.</summary>
public static class CredentialsCommand
{
    public static Command Build(CliHost host)
    {
        var secretNames = SecretFields.NamesOf(ConfigurationAreas.CredentialProfiles).ToList();
        var name = Text("--name", "The profile's name (unique).", "NAME");
        var description = Text("--description", "What the credentials are for.");
        var username = Text("--username", "The user name, if any.", "USER");
        var secret = SecretOptions.Secret(secretNames);
        var unset = SecretOptions.Unset("a secret");
        var reference = Reference("The credential profile's id or name.");

        return Group("credentials", "Reusable credentials (passwords, SSH keys, tokens) that adapters can use.",
            Make("add", "Add a credential profile.", host, async (cli, ct) =>
            {
                var input = new CredentialInput(cli.Get(name) ?? throw new UsageException("--name is required."), cli.Get(description), cli.Get(username));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(new AddCredential(input, cli.Secrets.ReadAll(cli.Get(secret))), ct)));
            }, name, description, username, secret),
            RecordCommands.List(host, ConfigurationAreas.CredentialProfiles, _ => new ListCredentials(), Views.Of, ["id", "name", "username", "secrets"]),
            RecordCommands.Show(host, ConfigurationAreas.CredentialProfiles, r => new ShowCredential(r), Views.Of),
            Make("update", "Change a credential profile; options not given stay as they are.", host, async (cli, ct) =>
            {
                var input = new CredentialInput(cli.Get(name), cli.Get(description), cli.Get(username));
                var update = new UpdateCredential(cli.Get(reference), input, cli.Secrets.ReadAll(cli.Get(secret)), cli.Get(unset) ?? []);
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(update, ct)));
            }, reference, name, description, username, secret, unset),
            RecordCommands.Remove(host, ConfigurationAreas.CredentialProfiles, r => new RemoveCredential(r)));
    }
}
