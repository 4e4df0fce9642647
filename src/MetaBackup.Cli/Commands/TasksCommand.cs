using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup tasks config-backup run</c> and <c>metabackup tasks runs</c>.</summary>
public static class TasksCommand
{
    public static Command Build(CliHost host)
    {
        var limit = new Option<int>("--limit") { Description = "How many runs to show, newest first.", HelpName = "N", DefaultValueFactory = _ => 20 };
        return Group("tasks", "System tasks: the scheduled Configuration Backup.",
            Group("config-backup", "The Configuration Backup task (settings config.backup.*).",
                Make("run", "Run the configuration backup now, whatever the schedule: export, upload, verify, apply retention, record the run. Exit 1 if it failed.", host, async (cli, ct) =>
                {
                    var run = await cli.RunAsync(new RunConfigBackupNow(step => cli.Print.Progress("config-backup", step)), ct);
                    cli.Print.Object(View(run));
                    if (run.Status != RunStatus.Succeeded)
                    {
                        cli.Print.Error($"The configuration backup failed: {run.Error}", "The run is recorded; see `metabackup tasks runs`.");
                        return ExitCodes.Failure;
                    }

                    return ExitCodes.Success;
                }),
                Make("status", "Show the task's settings, when it runs next, and its last run.", host, async (cli, ct) =>
                {
                    cli.Print.Object(SecretMasking.ToJson(await cli.RunAsync(new ShowConfigBackupStatus(), ct)).AsObject());
                    return ExitCodes.Success;
                })),
            Make("runs", "List the task runs, newest first: id, trigger, start, end, status, file, size, checksum (SHA-256), upload attempts, error.", host, async (cli, ct) =>
            {
                var runs = await cli.RunAsync(new ListTaskRuns(cli.Get(limit)), ct);
                cli.Print.Table(runs.Select(View).ToList(), "id", "trigger", "startedAt", "endedAt", "status", "file", "size", "checksum", "attempts", "error");
                return ExitCodes.Success;
            }, limit));
    }

    private static JsonObject View(TaskRun run) => SecretMasking.ToJson(run).AsObject();
}
