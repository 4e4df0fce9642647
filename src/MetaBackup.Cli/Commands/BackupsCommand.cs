using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup backups list --storage REF</c>: the configuration backups in a destination.</summary>
public static class BackupsCommand
{
    public static Command Build(CliHost host)
    {
        var storage = Text("--storage", "The storage adapter (id or name).", "REF", required: true);
        return Group("backups", "Configuration backups in storage destinations.",
            Make("list", "List the configuration backups in a destination, newest first: name, time, size, encrypted, profile fingerprint, secrets included (from each backup's sidecar; \"-\" when it is missing).", host, async (cli, ct) =>
            {
                var entries = await cli.RunAsync(new ListBackups(cli.Get(storage)!), ct);
                cli.Print.Table(entries.Select(e => new JsonObject
                {
                    ["file"] = e.File,
                    ["exportedAt"] = e.ExportedAt,
                    ["size"] = e.Size,
                    ["encrypted"] = e.Encrypted,
                    ["fingerprint"] = e.ProfileFingerprint,
                    ["includeSecrets"] = e.IncludeSecrets,
                }).ToList(), "file", "exportedAt", "size", "encrypted", "fingerprint", "includeSecrets");
                return ExitCodes.Success;
            }, storage));
    }
}
