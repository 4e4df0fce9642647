using System.CommandLine;
using MetaBackup.Server;
using MetaBackup.Server.Hosting;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup serve [--urls URL]</c>: the server — REST API, run queue, scheduler — until stopped (docs/api.md, "Running the server").</summary>
public static class ServeCommand
{
    public static Command Build(CliHost host)
    {
        var urls = Text("--urls", $"Where to listen (default {ServerSettings.DefaultUrls}, or {ServerSettings.UrlsVariable}).", "URL");
        return Make("serve", $"Run the server until stopped (Ctrl+C / SIGTERM): the REST API under /api/v1 (reference at /api/reference), the Configuration Backup scheduler and GET /health. An empty data directory is initialised first. Logs go to the console and the data directory ({ServerSettings.LogLevelVariable} sets the level).", host, async (cli, ct) =>
        {
            var settings = new ServerSettings(cli.DataDirectory, cli.Host.Environment);
            if (cli.Get(urls) is { } given)
            {
                settings = settings with { Urls = given };
            }

            using var logs = ServerLogging.Create(settings);
            await ServerApp.RunAsync(settings, logs, line => cli.Host.Out.WriteLine(line), ct);
            return ExitCodes.Success;
        }, urls);
    }
}
