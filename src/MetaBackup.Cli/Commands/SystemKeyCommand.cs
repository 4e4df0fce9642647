using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Application;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup system-key show|rotate</c>.</summary>
public static class SystemKeyCommand
{
    public static Command Build(CliHost host)
    {
        var newKeyFile = Text("--new-key-file", "The new key (64 hex characters) in a file. Default: generate one (only when the key lives in the data directory).", "FILE");

        return Group("system-key", "The system key that encrypts every stored secret.",
            Make("show", "Print the system key's fingerprint and where it comes from (never the key).", host, async (cli, ct) =>
            {
                var key = await cli.RunAsync(new ShowSystemKey(), ct);
                cli.Print.Object(new JsonObject { ["fingerprint"] = key.Fingerprint, ["source"] = key.Source });
                return ExitCodes.Success;
            }),
            Make("rotate", "Re-encrypt every stored secret under a new system key, in one transaction.", host, async (cli, ct) =>
            {
                AesKey? newKey = null;
                if (cli.Get(newKeyFile) is { } path)
                {
                    var full = Path.Combine(cli.Host.CurrentDirectory, path);
                    newKey = File.Exists(full)
                        ? AesKey.FromHex(File.ReadAllText(full), $"'{full}'")
                        : throw new Core.Configuration.InvalidInputException($"'{full}' does not exist.");
                }

                var result = await cli.RunAsync(new RotateSystemKey(newKey), ct);
                cli.Print.Object(new JsonObject
                {
                    ["oldFingerprint"] = result.OldFingerprint,
                    ["newFingerprint"] = result.NewFingerprint,
                    ["secretsReencrypted"] = result.SecretsResealed,
                    ["snapshotsRewrapped"] = result.SnapshotsRewrapped,
                    ["keyFileUpdated"] = result.KeyFileUpdated,
                });
                if (result.Warning is { } warning)
                {
                    cli.Print.Warning(warning);
                }

                if (result.KeyFileUpdated)
                {
                    cli.Print.Warning($"SAVE THE NEW SYSTEM KEY NOW: copy {cli.DataDirectory.SystemKeyPath} (fingerprint {result.NewFingerprint}) somewhere safe, away from this server, and replace any copy of the old key ({result.OldFingerprint}), which opens nothing any more.");
                }
                else
                {
                    cli.Print.Warning($"set {result.KeySource.Split(' ')[0]} to the new key (fingerprint {result.NewFingerprint}) before the next start; with the old key MetaBackup will refuse to start. Keep a copy of the new key somewhere safe.");
                }

                return ExitCodes.Success;
            }, newKeyFile));
    }
}
