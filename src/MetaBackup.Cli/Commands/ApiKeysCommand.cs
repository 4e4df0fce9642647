using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using System.Globalization;
using MetaBackup.Core.Access;
using MetaBackup.Core.ApiKeys;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup apikeys add|list|show|update|remove</c>.</summary>
public static class ApiKeysCommand
{
    public static Command Build(CliHost host)
    {
        var name = Text("--name", "What the key is for.", "NAME");
        var user = Text("--user", "The user the key acts for (id or email).", "USER");
        var permissions = Many("--permissions", $"Comma-separated permissions, repeatable. Known: {string.Join(", ", Permissions.All)}.", "P1,P2");
        var expires = Text("--expires", "When the key stops working (ISO 8601, e.g. 2027-01-31 or 2027-01-31T12:00:00Z).", "WHEN");
        var noExpiry = Flag("--no-expiry", "Make the key never expire (update only).");
        var reference = Reference("The key's id or prefix (mbk_…).");

        return Group("apikeys", "API keys for scripts. A key is shown once, when it is created; only its hash is kept.",
            Make("add", "Create an API key and print it once.", host, async (cli, ct) =>
            {
                var issued = await cli.RunAsync(new AddApiKey(
                    cli.Get(name) ?? throw new UsageException("--name is required."),
                    cli.Get(user) ?? throw new UsageException("--user is required."),
                    List(cli.Get(permissions)),
                    Expiry(cli.Get(expires))), ct);
                var view = Views.Of(issued.Record);

                // The one time the key exists outside its hash: it is the command's product, shown once.
                view["key"] = issued.Key.Reveal();
                cli.Print.Object(view);
                cli.Host.Error.WriteLine("warning: this is the only time the key is shown. Store it now; MetaBackup keeps only its hash.");
                return ExitCodes.Success;
            }, name, user, permissions, expires),
            RecordCommands.List(host, ConfigurationAreas.ApiKeys, _ => new ListApiKeys(), Views.Of, ["id", "prefix", "name", "userId", "expiresAt", "lastUsedAt"]),
            RecordCommands.Show(host, ConfigurationAreas.ApiKeys, r => new ShowApiKey(r), Views.Of),
            Make("update", "Change an API key's name, permissions or expiry (the key itself never changes).", host, async (cli, ct) =>
            {
                var given = cli.Get(permissions) is { Length: > 0 } p ? List(p) : null;
                var update = new UpdateApiKey(cli.Get(reference), cli.Get(name), given, Expiry(cli.Get(expires)), cli.Get(noExpiry));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(update, ct)));
            }, reference, name, permissions, expires, noExpiry),
            RecordCommands.Remove(host, ConfigurationAreas.ApiKeys, r => new RemoveApiKey(r)));
    }

    private static DateTimeOffset? Expiry(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new UsageException($"--expires wants an ISO 8601 date or time; got '{text}'.");
}
