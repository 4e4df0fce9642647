using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary>The list / show / remove commands every area has, built from the area's service calls.</summary>
public static class RecordCommands
{
    public static Command List<T>(CliHost host, Func<CommandContext, ConfigurationSession, CancellationToken, Task<List<T>>> list, string[] columns, params Symbol[] symbols)
        where T : ConfigRecord =>
        Make("list", $"List {ConfigurationAreas.For<T>().Name} (secrets are shown only as set or not set).", host, async (cli, ct) =>
        {
            var session = await cli.OpenAsync(ct);
            var rows = (await list(cli, session, ct)).Select(r => Views.Of(session, r)).ToList();
            cli.Print.Table(rows, columns);
            return ExitCodes.Success;
        }, symbols);

    public static Command Show<T>(CliHost host, Func<ConfigurationSession, string, CancellationToken, Task<T>> find)
        where T : ConfigRecord
    {
        var reference = Reference($"The {ConfigurationAreas.For<T>().Singular}'s id or {ConfigurationAreas.For<T>().NaturalKey}.");
        return Make("show", $"Show one {ConfigurationAreas.For<T>().Singular}.", host, async (cli, ct) =>
        {
            var session = await cli.OpenAsync(ct);
            cli.Print.Object(Views.Of(session, await find(session, cli.Get(reference), ct)));
            return ExitCodes.Success;
        }, reference);
    }

    public static Command Remove<T>(CliHost host, Func<ConfigurationSession, string, CancellationToken, Task> remove)
        where T : ConfigRecord
    {
        var area = ConfigurationAreas.For<T>();
        var reference = Reference($"The {area.Singular}'s id or {area.NaturalKey}.");
        return WithAlias(Make("remove", $"Remove {area.OneRecord} (refused while something references it). Also: delete.", host, async (cli, ct) =>
        {
            var session = await cli.OpenAsync(ct);
            await remove(session, cli.Get(reference), ct);
            cli.Print.Object(new JsonObject { ["removed"] = cli.Get(reference), ["area"] = area.Name });
            return ExitCodes.Success;
        }, reference), "delete");
    }

    /// <summary>Prints the record a command created or changed.</summary>
    public static int Done<T>(CommandContext cli, ConfigurationSession session, T record) where T : ConfigRecord
    {
        cli.Print.Object(Views.Of(session, record));
        return ExitCodes.Success;
    }
}
