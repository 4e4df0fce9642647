using System.CommandLine;
using MetaBackup.Cli.Commands;
using MetaBackup.Core.Configuration;
using MetaBackup.Format;
using MetaBackup.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Cli;

/// <summary>
/// The `metabackup` command line: the command tree, and the one place where failures become
/// messages and exit codes (docs/exit-codes.md).
/// </summary>
public static class CliApp
{
    /// <summary>
    /// How long a command stopped by Ctrl+C or SIGTERM may take to roll back and remove its temporary files before the
    /// process is ended anyway (docs/exit-codes.md, 130). System.CommandLine's default, 2 s, was seen running out on a
    /// busy machine: the process then died by the signal (143) in the middle of its clean-up.
    /// </summary>
    public static readonly TimeSpan InterruptionGrace = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var root = BuildRoot(host);
        // No @response files: "@daily" is a cron macro, not a file to read arguments from.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            await ReportUsageErrorAsync(parse, host.Error);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(
            new InvocationConfiguration { Output = host.Out, Error = host.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = InterruptionGrace },
            cancellationToken);
    }

    public static RootCommand BuildRoot(CliHost host)
    {
        var root = new RootCommand("MetaBackup: the configuration of a self-hosted database-backup manager, and its disaster recovery.");
        root.Options.Add(GlobalOptions.DataDir);
        root.Options.Add(GlobalOptions.Json);
        root.Options.Add(GlobalOptions.Quiet);
        foreach (var command in new[]
                 {
                     InitCommand.Build(host),
                     SettingsCommand.Build(host),
                     CredentialsCommand.Build(host),
                     AdaptersCommand.Build(host),
                     JobsCommand.Build(host),
                     UsersCommand.Build(host),
                     GroupsCommand.Build(host),
                     SsoCommand.Build(host),
                     ApiKeysCommand.Build(host),
                     ProfilesCommand.Build(host),
                     SystemKeyCommand.Build(host),
                     ExportCommand.Build(host),
                     RecoverCommand.Build(host),
                     ImportCommands.BuildValidate(host),
                     ImportCommands.BuildImport(host),
                     SnapshotsCommand.Build(host),
                     BackupsCommand.Build(host),
                     TasksCommand.Build(host),
                     AuditCommand.Build(host),
                     ServeCommand.Build(host),
                 })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs one command's action, turning every failure into a message on stderr and an exit code.</summary>
    internal static async Task<int> RunActionAsync(ParseResult parse, CliHost host, Func<CommandContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        // System.CommandLine starts the action first and registers its SIGINT/SIGTERM handler only once the action
        // hands back its task, at its first await that really waits. Everything before that — opening the database,
        // creating an export's temporary file, with SQLite's synchronous "async" calls often a good part of the
        // command — ran with the signal's default action: the process died (143) without its clean-up. Yielding
        // first hands the task back at once, so the handler is in place before any work starts (docs/exit-codes.md, 130).
        await Task.Yield();
        var name = string.Join(' ', CommandPath(parse));
        await using var context = new CommandContext(parse, host);
        // What the launcher gave the runtime for this command (docs/performance.md, "Runtime settings").
        context.Logs.CreateLogger("metabackup").LogInformation("Command {Command} started; runtime: {Runtime}", name, RuntimeSummary.Describe());
        try
        {
            var code = await action(context, cancellationToken);
            context.Logs.CreateLogger("metabackup").LogInformation("Command {Command} finished with exit code {Code}", name, code);
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: every change is transactional and every file is written under a temporary
            // name, so what had not finished was rolled back or removed (docs/exit-codes.md).
            context.Print.Error($"`metabackup {name}` was interrupted before it finished: {Interrupted.WhatWasKept(name)}", null);
            context.Logs.CreateLogger("metabackup").LogWarning("Command {Command} was interrupted", name);
            return ExitCodes.Interrupted;
        }
        catch (UsageException e)
        {
            context.Print.Error(e.Message, $"run `metabackup {name} --help` for usage.");
            return ExitCodes.Usage;
        }
        catch (BackupFileException e)
        {
            // A backup file refused — wrong key, damaged, truncated, not a backup — is the same refusal in every command that reads one.
            context.Print.Error(e.Message, e.Hint);
            context.Logs.CreateLogger("metabackup").LogWarning("Command {Command} refused a backup file: {Message}", name, e.Message);
            return CliErrors.ExitCodeOf(ErrorCode.BackupRefused);
        }
        catch (MetaBackupException e)
        {
            context.Print.Error(e.Message, e.Hint, CliErrors.HintFor(e));
            context.Logs.CreateLogger("metabackup").LogWarning("Command {Command} failed ({Code}): {Message}", name, e.Code, e.Message);
            return CliErrors.ExitCodeOf(e);
        }
        catch (Exception e) when (context.DatabaseConflict(e) is { } conflict)
        {
            context.Print.Error(conflict.Message, conflict.Hint, CliErrors.HintFor(conflict));
            context.Logs.CreateLogger("metabackup").LogWarning(e, "Command {Command} met a concurrent change: {Message}", name, conflict.Message);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An unexpected failure: say so plainly and keep the details in the log, not on screen.
            context.Print.Error($"{name} failed unexpectedly: {e.GetType().Name}: {e.Message}", $"details are in {context.DataDirectory.LogsDirectory}.");
            context.Logs.CreateLogger("metabackup").LogError(e, "Command {Command} failed unexpectedly", name);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// A command line that does not parse. A mistyped word usually cascades into several errors (the word
    /// itself, the words after it, a missing subcommand); the first unrecognised word is the one to fix,
    /// so it alone is reported, with the nearest command or option (docs/cli.md, "Typos").
    /// </summary>
    private static async Task ReportUsageErrorAsync(ParseResult parse, TextWriter error)
    {
        var path = string.Join(' ', CommandPath(parse).Prepend("metabackup"));
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.FirstOrDefault() is { } typed)
        {
            var isOption = typed.StartsWith('-');
            var candidates = isOption
                ? command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name));
            await error.WriteLineAsync($"error: `{path}` has no {(isOption ? "option" : command.Subcommands.Count > 0 ? "command" : "argument")} '{typed}'.");
            if (Suggestions.Nearest(typed, candidates) is { } nearest)
            {
                await error.WriteLineAsync($"hint: did you mean `{path} {nearest}`?");
                return;
            }
        }
        else
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }
        }

        await error.WriteLineAsync($"hint: run `{path} --help` for usage.");
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Push(result.Command.Name);
        }

        return names;
    }
}
