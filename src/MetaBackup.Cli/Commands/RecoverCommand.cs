using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Input;
using MetaBackup.Core.Recovery;
using MetaBackup.Format;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup recover</c>: decrypt a backup with its key alone — no database, no system key.</summary>
public static class RecoverCommand
{
    public static Command Build(CliHost host)
    {
        var file = new Argument<string>("FILE") { Description = "The encrypted backup (config_backup_….enc)." };
        var kit = Text("--kit", "The Recovery Kit of the profile the backup was encrypted with.", "FILE");
        var keyFile = Text("--key-file", "A file holding that profile's key as 64 hex characters.", "FILE");
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the decrypted JSON (never overwritten; mode 0600).", HelpName = "OUT.json", Required = true };

        return Make("recover", "Decrypt a backup into its JSON document with only the file and its key: works without a server, a database or a system key. Writes nothing if the key is wrong or the file is damaged.", host, async (cli, ct) =>
        {
            var (key, _) = KeyFileReader.Read(cli.Host, cli.Get(kit), cli.Get(keyFile));
            var result = await OfflineRecovery.RecoverAsync(
                Path.Combine(cli.Host.CurrentDirectory, cli.Get(file)),
                key,
                Path.Combine(cli.Host.CurrentDirectory, cli.Get(output)!),
                ct);
            cli.Print.Object(new JsonObject
            {
                ["output"] = result.OutputPath,
                ["bytes"] = result.Bytes,
                ["compression"] = Compressions.Name(result.Compression),
                ["fingerprint"] = result.KeyFingerprint,
                ["includesSecrets"] = result.IncludesSecrets,
            });
            if (result.IncludesSecrets)
            {
                cli.Print.Warning($"{result.OutputPath} holds every secret of the configuration in plain text (owner-only, mode 0600). Keep it on this machine, outside any shared or version-controlled directory, and delete it once imported.");
            }
            return ExitCodes.Success;
        }, file, kit, keyFile, output);
    }
}
