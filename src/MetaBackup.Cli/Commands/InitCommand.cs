using System.CommandLine;
using System.Text.Json.Nodes;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup init</c>: create the data directory, the system key and the database.</summary>
public static class InitCommand
{
    public static Command Build(CliHost host) =>
        Make("init", "Create the data directory, its system key (unless ENCRYPTION_KEY or ENCRYPTION_KEY_FILE is set) and the configuration database. Safe to run again.", host, async (cli, ct) =>
        {
            var result = await cli.Store.InitializeAsync(ct);
            foreach (var warning in result.KeyWarnings)
            {
                cli.Print.Warning(warning);
            }

            cli.Print.Line(result.Created
                ? $"Initialised {cli.DataDirectory.Root} ({result.Database}); system key {result.SystemKey.Fingerprint} from {result.SystemKey.Description}."
                : $"{cli.DataDirectory.Root} was already initialised; system key {result.SystemKey.Fingerprint} checks out.");
            if (cli.Print.Json)
            {
                cli.Print.Object(new JsonObject
                {
                    ["dataDirectory"] = cli.DataDirectory.Root,
                    ["created"] = result.Created,
                    ["database"] = result.Database,
                    ["systemKeyFingerprint"] = result.SystemKey.Fingerprint,
                    ["systemKeySource"] = result.SystemKey.Description,
                    ["systemKeyGenerated"] = result.GeneratedKeyPath is not null,
                });
            }

            return ExitCodes.Success;
        });
}
