using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary>The list / show / remove commands every area has, built from the area's operations.</summary>
public static class RecordCommands
{
    public static Command List<TView>(CliHost host, ConfigurationArea area, Func<CommandContext, Operation<IReadOnlyList<TView>>> operation, Func<TView, JsonObject> view, string[] columns, params Symbol[] symbols) =>
        Make("list", $"List {area.Name} (secrets are shown only as set or not set).", host, async (cli, ct) =>
        {
            cli.Print.Table([.. (await cli.RunAsync(operation(cli), ct)).Select(view)], columns);
            return ExitCodes.Success;
        }, symbols);

    public static Command Show<TView>(CliHost host, ConfigurationArea area, Func<string, Operation<TView>> operation, Func<TView, JsonObject> view)
    {
        var reference = Reference($"The {area.Singular}'s id or {area.NaturalKey}.");
        return Make("show", $"Show one {area.Singular}.", host, async (cli, ct) =>
        {
            cli.Print.Object(view(await cli.RunAsync(operation(cli.Get(reference)), ct)));
            return ExitCodes.Success;
        }, reference);
    }

    public static Command Remove(CliHost host, ConfigurationArea area, Func<string, Operation<Done>> operation)
    {
        var reference = Reference($"The {area.Singular}'s id or {area.NaturalKey}.");
        return WithAlias(Make("remove", $"Remove {area.OneRecord} (refused while something references it). Also: delete.", host, async (cli, ct) =>
        {
            await cli.RunAsync(operation(cli.Get(reference)), ct);
            cli.Print.Object(new JsonObject { ["removed"] = cli.Get(reference), ["area"] = area.Name });
            return ExitCodes.Success;
        }, reference), "delete");
    }

    /// <summary>Prints what a command created or changed.</summary>
    public static int Done(CommandContext cli, JsonObject view)
    {
        cli.Print.Object(view);
        return ExitCodes.Success;
    }
}
