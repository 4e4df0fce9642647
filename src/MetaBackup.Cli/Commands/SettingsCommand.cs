using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Settings;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup settings get|set|list|unset</c>.</summary>
public static class SettingsCommand
{
    public static Command Build(CliHost host)
    {
        var key = new Argument<string>("KEY") { Description = "The setting's key, e.g. config.backup.schedule." };
        var value = new Argument<string>("VALUE") { Description = "The new value." };
        var setKey = new Argument<string>("KEY") { Description = key.Description };
        var unsetKey = new Argument<string>("KEY") { Description = key.Description };

        return Group("settings", "Global settings (key/value).",
            Make("get", "Print one setting's value (a known setting's default when it is not set).", host, async (cli, ct) =>
            {
                var setting = await cli.RunAsync(new GetSetting(cli.Get(key)), ct);
                if (cli.Print.Json)
                {
                    cli.Print.Object(View(setting));
                }
                else
                {
                    cli.Host.Out.WriteLine(setting.Value ?? "");
                }

                return ExitCodes.Success;
            }, key),
            Make("set", "Set a setting.", host, async (cli, ct) =>
            {
                var setting = await cli.RunAsync(new SetSetting(cli.Get(setKey), cli.Get(value)), ct);
                cli.Print.Object(new JsonObject { ["key"] = setting.Key, ["value"] = setting.Value });
                return ExitCodes.Success;
            }, setKey, value),
            Make("unset", "Remove a setting.", host, async (cli, ct) =>
            {
                await cli.RunAsync(new UnsetSetting(cli.Get(unsetKey)), ct);
                cli.Print.Object(new JsonObject { ["removed"] = cli.Get(unsetKey) });
                return ExitCodes.Success;
            }, unsetKey),
            Make("list", "List every known setting (its value or default) and every other stored one.", host, async (cli, ct) =>
            {
                var settings = await cli.RunAsync(new ListSettings(), ct);
                cli.Print.Table(settings.Select(View).ToList(), "key", "value", "source");
                return ExitCodes.Success;
            }));
    }

    private static JsonObject View(EffectiveSetting setting) => new()
    {
        ["key"] = setting.Key,
        ["value"] = setting.Value,
        ["source"] = setting.IsSet ? "stored" : "default",
        ["description"] = setting.Description,
    };
}
