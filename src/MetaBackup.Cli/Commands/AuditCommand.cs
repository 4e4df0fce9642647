using System.CommandLine;
using System.Globalization;
using MetaBackup.Core.Application;
using MetaBackup.Core.Secrets;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup audit list [--actor A] [--action PREFIX] [--since T] [--until T] [--limit N]</c>.</summary>
public static class AuditCommand
{
    public static Command Build(CliHost host)
    {
        var actor = Text("--actor", "Only what this actor did, e.g. user:alice@example.com, cli:root, apikey:mbk_… .", "ACTOR");
        var action = Text("--action", "Only actions starting with this, e.g. signin. or config.export.", "PREFIX");
        var since = Text("--since", "Only from this time on (ISO 8601).", "WHEN");
        var until = Text("--until", "Only up to this time (ISO 8601).", "WHEN");
        var limit = new Option<int>("--limit") { Description = "How many events to show, newest first.", HelpName = "N", DefaultValueFactory = _ => 100 };
        return Group("audit", "The audit log: every export, import, Recovery Kit download, key rotation, sign-in, permission denial and configuration change.",
            Make("list", "List audit events, newest first: time, actor, action, target, remote address.", host, async (cli, ct) =>
            {
                var events = await cli.RunAsync(new ListAuditEvents(cli.Get(actor), cli.Get(action), Time(cli.Get(since), "--since"), Time(cli.Get(until), "--until"), cli.Get(limit)), ct);
                cli.Print.Table([.. events.Select(e => SecretMasking.ToJson(e).AsObject())], "at", "actor", "action", "target", "remoteAddress");
                return ExitCodes.Success;
            }, actor, action, since, until, limit));
    }

    private static DateTimeOffset? Time(string? text, string option) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new UsageException($"{option} wants an ISO 8601 date or time; got '{text}'.");
}
