using System.CommandLine;

namespace MetaBackup.Cli;

/// <summary>Small helpers that keep the command files declarative.</summary>
public static class CommandBuilder
{
    /// <summary>A command with its options and arguments and an action run inside a <see cref="CommandContext"/>.</summary>
    public static Command Make(string name, string description, CliHost host, Func<CommandContext, CancellationToken, Task<int>> action, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option: command.Options.Add(option); break;
                case Argument argument: command.Arguments.Add(argument); break;
                default: throw new ArgumentException($"Unsupported symbol {symbol.GetType()}");
            }
        }

        command.SetAction((parse, cancellationToken) => CliApp.RunActionAsync(parse, host, action, cancellationToken));
        return command;
    }

    /// <summary>The command, also answering to <paramref name="alias"/> (e.g. both `delete` and `remove`).</summary>
    public static Command WithAlias(Command command, string alias)
    {
        command.Aliases.Add(alias);
        return command;
    }

    /// <summary>A command that only groups subcommands.</summary>
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var command = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            command.Subcommands.Add(subcommand);
        }

        return command;
    }

    public static Option<string?> Text(string name, string description, string helpName = "TEXT", bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    public static Option<string[]> Many(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>The positional argument naming an existing record.</summary>
    public static Argument<string> Reference(string description) => new("REF") { Description = description };

    /// <summary>Splits comma-separated values, and repeated options, into one list.</summary>
    public static List<string> List(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static bool? OnOff(bool enable, bool disable) =>
        enable && disable ? throw new UsageException("--enable and --disable cannot be given together.") : enable ? true : disable ? false : null;
}
