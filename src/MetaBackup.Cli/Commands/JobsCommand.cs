using System.CommandLine;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Jobs;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup jobs add|list|show|update|remove</c>.</summary>
public static class JobsCommand
{
    public static Command Build(CliHost host)
    {
        var name = Text("--name", "The job's name (unique).", "NAME");
        var schedule = Text("--schedule", "When it runs: a five-field cron expression such as \"0 3 * * *\", or @daily.", "CRON");
        var source = Text("--source", "The database adapter to back up (id or name).", "ADAPTER");
        var destination = Many("--destination", $"A storage adapter to write to, with how many backups to keep there (default {DestinationInput.DefaultRetention}); repeatable.", "ADAPTER[=KEEP]");
        var profile = Text("--profile", "The Encryption Profile to encrypt backups with (id or name).", "PROFILE");
        var noProfile = Flag("--no-profile", "Stop encrypting this job's backups (update only).");
        var compression = Text("--compression", $"One of {string.Join(", ", Job.Compressions)} (default gzip).", "KIND");
        var notify = Many("--notify", $"A notification adapter, and when to notify ({string.Join(", ", JobNotification.Events)}; default {NotificationInput.DefaultEvent}); repeatable.", "ADAPTER[=WHEN]");
        var disabled = Flag("--disabled", "Create the job disabled.");
        var enable = Flag("--enable", "Enable the job.");
        var disable = Flag("--disable", "Disable the job.");
        var reference = Reference("The job's id or name.");

        JobInput Input(CommandContext cli, bool? enabled) => new(
            cli.Get(name),
            cli.Get(schedule),
            cli.Get(source),
            cli.Get(destination) is { Length: > 0 } d ? d.Select(ParseDestination).ToList() : null,
            cli.Get(noProfile) ? "" : cli.Get(profile),
            cli.Get(compression),
            cli.Get(notify) is { Length: > 0 } n ? n.Select(ParseNotification).ToList() : null,
            enabled);

        return Group("jobs", "Backup jobs: schedule, source database, destinations, encryption.",
            Make("add", "Add a job; its adapters and profile must exist and be of the right kind.", host, async (cli, ct) =>
                RecordCommands.Done(cli, Views.Of(await cli.RunAsync(new AddJob(Input(cli, !cli.Get(disabled))), ct))),
                name, schedule, source, destination, profile, compression, notify, disabled),
            RecordCommands.List(host, ConfigurationAreas.Jobs, _ => new ListJobs(), Views.Of, ["id", "name", "schedule", "enabled", "source", "to", "encryptionProfile"]),
            RecordCommands.Show(host, ConfigurationAreas.Jobs, r => new ShowJob(r), Views.Of),
            Make("update", "Change a job; options not given stay as they are (--destination and --notify replace the whole list).", host, async (cli, ct) =>
            {
                if (cli.Get(noProfile) && cli.Get(profile) is not null)
                {
                    throw new UsageException("--profile and --no-profile cannot be given together.");
                }

                return RecordCommands.Done(cli, Views.Of(await cli.RunAsync(new UpdateJob(cli.Get(reference), Input(cli, OnOff(cli.Get(enable), cli.Get(disable)))), ct)));
            }, reference, name, schedule, source, destination, profile, noProfile, compression, notify, enable, disable),
            RecordCommands.Remove(host, ConfigurationAreas.Jobs, r => new RemoveJob(r)));
    }

    private static DestinationInput ParseDestination(string text)
    {
        var equals = text.LastIndexOf('=');
        if (equals < 0)
        {
            return new DestinationInput(text);
        }

        return int.TryParse(text[(equals + 1)..], out var keep)
            ? new DestinationInput(text[..equals], keep)
            : throw new UsageException($"--destination wants ADAPTER[=KEEP] with KEEP a whole number; got '{text}'.");
    }

    private static NotificationInput ParseNotification(string text)
    {
        var equals = text.LastIndexOf('=');
        return equals < 0 ? new NotificationInput(text) : new NotificationInput(text[..equals], text[(equals + 1)..]);
    }
}
