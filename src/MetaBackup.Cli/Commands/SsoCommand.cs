using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Sso;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup sso add|list|show|update|remove</c>.</summary>
public static class SsoCommand
{
    public static Command Build(CliHost host)
    {
        var providerId = Text("--provider-id", "A short unique slug, e.g. keycloak.", "ID");
        var name = Text("--name", "The name shown on the login page.", "NAME");
        var issuer = Text("--issuer", "The OpenID Connect issuer URL (https).", "URL");
        var clientId = Text("--client-id", "The OAuth client id.", "ID");
        var scopes = Many("--scopes", "Comma-separated scopes (default openid,profile,email).", "S1,S2");
        var defaultGroup = Text("--default-group", "The group new SSO users join (id or name); \"\" removes it on update.", "GROUP");
        var secret = SecretOptions.Secret(["clientSecret"]);
        var disabled = Flag("--disabled", "Create the provider disabled.");
        var enable = Flag("--enable", "Enable the provider.");
        var disable = Flag("--disable", "Disable the provider.");
        var reference = Reference("The provider's id or provider id.");

        SsoInput Input(CommandContext cli, bool? enabled) => new(
            cli.Get(providerId), cli.Get(name), cli.Get(issuer), cli.Get(clientId),
            cli.Get(scopes) is { Length: > 0 } s ? List(s) : null, cli.Get(defaultGroup), enabled);

        return Group("sso", "OpenID Connect login providers.",
            Make("add", "Add an SSO provider.", host, async (cli, ct) =>
            {
                var add = new AddSsoProvider(Input(cli, !cli.Get(disabled)), cli.Secrets.ReadSingle(cli.Get(secret), "clientSecret", "SSO providers"));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(add, ct)));
            }, providerId, name, issuer, clientId, scopes, defaultGroup, secret, disabled),
            RecordCommands.List(host, ConfigurationAreas.SsoProviders, _ => new ListSsoProviders(), Views.Of, ["id", "providerId", "issuer", "clientId", "enabled", "secrets.clientSecret"]),
            RecordCommands.Show(host, ConfigurationAreas.SsoProviders, r => new ShowSsoProvider(r), Views.Of),
            Make("update", "Change an SSO provider; options not given stay as they are.", host, async (cli, ct) =>
            {
                var update = new UpdateSsoProvider(cli.Get(reference), Input(cli, OnOff(cli.Get(enable), cli.Get(disable))), cli.Secrets.ReadSingle(cli.Get(secret), "clientSecret", "SSO providers"));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(update, ct)));
            }, reference, providerId, name, issuer, clientId, scopes, defaultGroup, secret, enable, disable),
            RecordCommands.Remove(host, ConfigurationAreas.SsoProviders, r => new RemoveSsoProvider(r)));
    }
}
