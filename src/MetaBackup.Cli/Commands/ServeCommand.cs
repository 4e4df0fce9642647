using System.CommandLine;
using MetaBackup.Server;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup serve [--urls URL]</c>: the server and its scheduler, until stopped.</summary>
public static class ServeCommand
{
    public static Command Build(CliHost host)
    {
        var urls = Text("--urls", "Where to listen (default http://127.0.0.1:8080).", "URL");
        return Make("serve", "Run the server until stopped (Ctrl+C / SIGTERM): the Configuration Backup scheduler and GET /health.", host, async (cli, ct) =>
        {
            // Fails here, before listening, if the data directory or the system key is wrong.
            await using (await cli.Store().OpenAsync(ct))
            {
            }

            var store = cli.Store();
            await ServerHost.RunAsync(
                new ServerOptions(cli.Get(urls) ?? "http://127.0.0.1:8080", cli.DataDirectory, store.OpenAsync, Composition.Stores, cli.Logs, TimeProvider.System),
                ct);
            return ExitCodes.Success;
        }, urls);
    }
}
