using System.CommandLine;
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
                var session = await cli.OpenAsync(ct);
                return RecordCommands.Done(cli, session, await new SsoService(session).AddAsync(Input(cli, !cli.Get(disabled)), cli.Secrets.ReadSingle(cli.Get(secret), "clientSecret", "SSO providers"), ct));
            }, providerId, name, issuer, clientId, scopes, defaultGroup, secret, disabled),
            RecordCommands.List<SsoProvider>(host, (_, s, ct) => new SsoService(s).ListAsync(ct), ["id", "providerId", "issuer", "clientId", "enabled", "secrets.clientSecret"]),
            RecordCommands.Show<SsoProvider>(host, (s, r, ct) => new SsoService(s).FindAsync(r, ct)),
            Make("update", "Change an SSO provider; options not given stay as they are.", host, async (cli, ct) =>
            {
                var session = await cli.OpenAsync(ct);
                return RecordCommands.Done(cli, session, await new SsoService(session).UpdateAsync(cli.Get(reference), Input(cli, OnOff(cli.Get(enable), cli.Get(disable))), cli.Secrets.ReadSingle(cli.Get(secret), "clientSecret", "SSO providers"), ct));
            }, reference, providerId, name, issuer, clientId, scopes, defaultGroup, secret, enable, disable),
            RecordCommands.Remove<SsoProvider>(host, (s, r, ct) => new SsoService(s).RemoveAsync(r, ct)));
    }
}
