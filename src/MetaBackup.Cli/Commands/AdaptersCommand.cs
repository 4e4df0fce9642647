using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Adapters;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup adapters add|list|show|update|remove|types</c>.</summary>
public static class AdaptersCommand
{
    public static Command Build(CliHost host)
    {
        var kind = Text("--kind", "database, storage or notification.", "KIND");
        var type = Text("--type", "The adapter type, e.g. postgres, s3, webhook (see `adapters types`).", "TYPE");
        var name = Text("--name", "The adapter's name (unique within its kind).", "NAME");
        var config = Many("--config", "Set a non-secret config key: KEY=VALUE, repeatable.", "KEY=VALUE");
        var secret = SecretOptions.Secret(["the type's secret keys (see `adapters types`)"]);
        var unset = SecretOptions.Unset("a config key or secret");
        var credentials = Text("--credentials", "A credential profile to use (id or name); \"\" detaches it on update.", "REF");
        var reference = Reference("The adapter's id, KIND/NAME, or a name only one adapter has.");
        var listKind = Text("--kind", "Only adapters of this kind.", "KIND");
        var testReference = Reference("The adapter's id, KIND/NAME or name.");

        return Group("adapters", "Connections to databases, storage destinations and notification channels.",
            Make("add", "Add an adapter; its config is checked against its type's declaration.", host, async (cli, ct) =>
            {
                var add = new AddAdapter(
                    Kinds.Parse(cli.Get(kind) ?? throw new UsageException("--kind is required.")),
                    cli.Get(type) ?? throw new UsageException("--type is required."),
                    cli.Get(name) ?? throw new UsageException("--name is required."),
                    Change(cli, config, secret, null),
                    cli.Get(credentials));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(add, ct)));
            }, kind, type, name, config, secret, credentials),
            RecordCommands.List(host, ConfigurationAreas.Adapters, cli => new ListAdapters(cli.Get(listKind) is { } k ? Kinds.Parse(k) : null), Views.Of, ["id", "kind", "type", "name"], listKind),
            RecordCommands.Show(host, ConfigurationAreas.Adapters, r => new ShowAdapter(r), Views.Of),
            Make("update", "Change an adapter; keys not given stay as they are.", host, async (cli, ct) =>
            {
                var update = new UpdateAdapter(cli.Get(reference), cli.Get(name), Change(cli, config, secret, unset), cli.Get(credentials));
                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(update, ct)));
            }, reference, name, config, secret, unset, credentials),
            RecordCommands.Remove(host, ConfigurationAreas.Adapters, r => new RemoveAdapter(r)),
            Make("test", "Test an adapter's connection: a storage destination writes, lists and deletes a small file; a database connects and queries; a notification channel gets a test message (SMTP: connect and log in). Exit 1 with the reason when it fails or the type cannot be tested.", host, async (cli, ct) =>
            {
                var result = await cli.RunAsync(new TestAdapter(cli.Get(testReference), step => cli.Print.Progress("adapters test", step)), ct);
                cli.Print.Object(new JsonObject { ["adapter"] = result.Adapter, ["ok"] = true, ["checked"] = result.Checked });
                return ExitCodes.Success;
            }, testReference),
            Make("types", "List the adapter types and their config keys.", host, async (cli, ct) =>
            {
                var rows = (await cli.RunAsync(new ListAdapterTypes(), ct)).Select(view => new JsonObject
                {
                    ["kind"] = Kinds.Name(view.Type.Kind),
                    ["type"] = view.Type.Name,
                    ["required"] = string.Join(",", view.Type.Keys.Where(k => k.Required).Select(k => k.Name)),
                    ["optional"] = string.Join(",", view.Type.Keys.Where(k => !k.Required).Select(k => k.Name)),
                    ["secret"] = string.Join(",", view.Type.SecretKeys.Select(k => k.Name)),
                    ["testable"] = view.Testable,
                }).ToList();
                cli.Print.Table(rows, "kind", "type", "required", "optional", "secret", "testable");
                return ExitCodes.Success;
            }));
    }

    private static AdapterConfigChange Change(CommandContext cli, Option<string[]> config, Option<string[]> secret, Option<string[]>? unset)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in cli.Get(config) ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--config wants KEY=VALUE; got '{pair}'.");
            }

            values[pair[..equals]] = pair[(equals + 1)..];
        }

        return new AdapterConfigChange(values, cli.Secrets.ReadAll(cli.Get(secret)), unset is null ? [] : cli.Get(unset) ?? []);
    }
}
