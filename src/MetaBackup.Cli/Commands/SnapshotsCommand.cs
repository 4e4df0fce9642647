using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Snapshots;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup snapshots list|prune</c>: the safety snapshots imports take (docs/recovery.md).</summary>
public static class SnapshotsCommand
{
    public static Command Build(CliHost host)
    {
        var keep = new Option<int>("--keep") { Description = $"How many of the newest to keep (default {SafetySnapshots.DefaultKeep}).", HelpName = "N", DefaultValueFactory = _ => SafetySnapshots.DefaultKeep };
        return Group("snapshots", "The safety snapshots imports take before they change anything (encrypted under the system key; `metabackup import FILE --mode full` rolls back to one).",
            Make("list", "List the safety snapshots, newest first.", host, async (cli, ct) =>
            {
                cli.Print.Table([.. (await cli.RunAsync(new ListSnapshots(), ct)).Select(View)], "name", "takenAt", "size", "path");
                return ExitCodes.Success;
            }),
            Make("prune", "Delete all but the newest N safety snapshots (imports keep the newest 20 themselves).", host, async (cli, ct) =>
            {
                var deleted = await cli.RunAsync(new PruneSnapshots(cli.Get(keep)), ct);
                cli.Print.Table([.. deleted.Select(View)], "name", "takenAt", "size");
                cli.Print.Line($"Deleted {deleted.Count} snapshot(s).");
                return ExitCodes.Success;
            }, keep));
    }

    private static JsonObject View(SnapshotFile snapshot) => new()
    {
        ["name"] = snapshot.Name,
        ["takenAt"] = snapshot.TakenAt,
        ["size"] = snapshot.Size,
        ["path"] = snapshot.Path,
    };
}
