using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
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
                    var run = await new ConfigBackupTask(await cli.OpenAsync(ct), cli.DataDirectory, Composition.Stores)
                        .RunAsync(RunTrigger.Manual, ct, step => cli.Print.Progress("config-backup", step));
                    cli.Print.Object(View(run));
                    if (run.Status != RunStatus.Succeeded)
                    {
                        cli.Print.Error($"The configuration backup failed: {run.Error}", "The run is recorded; see `metabackup tasks runs`.");
                        return ExitCodes.Failure;
                    }

                    return ExitCodes.Success;
                }),
                Make("status", "Show the task's settings and when it runs next.", host, async (cli, ct) =>
                {
                    var session = await cli.OpenAsync(ct);
                    var settings = await new SettingsService(session).ConfigBackupAsync(ct);
                    cli.Print.Object(new JsonObject
                    {
                        ["enabled"] = settings.Enabled,
                        ["schedule"] = settings.Schedule,
                        ["timeZone"] = settings.TimeZone.Id,
                        ["storageId"] = settings.StorageId,
                        ["storage"] = settings.StorageId is { } storage ? Views.AdapterName(session, storage) : null,
                        ["encryptionProfileId"] = settings.EncryptionProfileId,
                        ["encryptionProfile"] = Views.ProfileName(session, settings.EncryptionProfileId),
                        ["includeSecrets"] = settings.IncludeSecrets,
                        ["compression"] = settings.Compression.ToString().ToLowerInvariant(),
                        ["retention"] = settings.Retention,
                        ["nextRun"] = ConfigBackupScheduler.NextRun(settings, session.Clock.GetUtcNow()),
                    });
                    return ExitCodes.Success;
                })),
            Make("runs", "List the task runs, newest first: id, trigger, start, end, status, file, size, checksum (SHA-256), upload attempts, error.", host, async (cli, ct) =>
            {
                var runs = await new ConfigBackupTask(await cli.OpenAsync(ct), cli.DataDirectory, Composition.Stores).RunsAsync(cli.Get(limit), ct);
                cli.Print.Table(runs.Select(View).ToList(), "id", "trigger", "startedAt", "endedAt", "status", "file", "size", "checksum", "attempts", "error");
                return ExitCodes.Success;
            }, limit));
    }

    private static JsonObject View(TaskRun run) => new()
    {
        ["id"] = run.Id,
        ["task"] = run.Task,
        ["trigger"] = run.Trigger.ToString().ToLowerInvariant(),
        ["startedAt"] = run.StartedAt,
        ["endedAt"] = run.EndedAt,
        ["status"] = run.Status.ToString().ToLowerInvariant(),
        ["file"] = run.File,
        ["size"] = run.Size,
        ["checksum"] = run.Checksum,
        ["error"] = run.Error,
        ["attempts"] = run.Attempts,
    };
}
