using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup export</c>: write the configuration backup, or preview it.</summary>
public static class ExportCommand
{
    public static Command Build(CliHost host)
    {
        var output = new Option<string?>("--output", "-o") { Description = "The file to write, or a directory to write config_backup_<timestamp>.json[.gz|.br][.enc] into (default: the current directory).", HelpName = "FILE|DIR" };
        var includeSecrets = Flag("--include-secrets", "Include secret values (passwords, keys, tokens). Needs an Encryption Profile.");
        var profile = Text("--profile", $"The Encryption Profile to encrypt with (id, name or fingerprint). Default: the profile in setting {VaultService.ConfigBackupProfileSetting}, if any.", "PROFILE");
        var noEncryption = Flag("--no-encryption", "Write a plain (unencrypted) export even if a default profile is configured; not with --include-secrets.");
        var compression = Text("--compression", "none, gzip or brotli (default gzip).", "KIND");
        var continueOnErrors = Flag("--continue-on-secret-errors", "Export even if a stored secret cannot be decrypted; it is exported as \"\" and named in the warnings.");
        var storage = Text("--storage", "Write the export to this storage destination (id or name) instead of a local file, with its sidecar, and verify it there.", "REF");
        var preview = Flag("--preview", "Show what the export would contain, and write nothing.");

        return Make("export", "Export the whole configuration as one portable file (encrypted when a profile is given).", host, async (cli, ct) =>
        {
            var session = await cli.OpenAsync(ct);
            if (cli.Get(preview))
            {
                var result = await new ExportPreviewer(session).GetExportPreviewAsync(cli.Get(includeSecrets), ct);
                cli.Print.Table(result.Areas.Select(a => new JsonObject
                {
                    ["area"] = a.Area,
                    ["count"] = a.Count,
                    ["secretFields"] = new JsonArray(a.SecretFields.Select(f => (JsonNode)new JsonObject { ["field"] = f.Field, ["set"] = f.Set, ["included"] = f.Included }).ToArray()),
                }).ToList(), "area", "count", "secretFields");
                cli.Print.Line(result.IncludeSecrets ? "Secrets would be included (encrypted)." : "Secrets would be stripped (exported as \"\").");
                return ExitCodes.Success;
            }

            if (cli.Get(noEncryption) && cli.Get(profile) is not null)
            {
                throw new UsageException("--profile and --no-encryption cannot be given together.");
            }

            var profileReference = cli.Get(profile);
            if (profileReference is null && !cli.Get(noEncryption) && await new SettingsService(session).FindValueAsync(VaultService.ConfigBackupProfileSetting, ct) is { Length: > 0 } configured)
            {
                profileReference = configured;
                cli.Print.Warning($"encrypting with the profile named by {VaultService.ConfigBackupProfileSetting}.");
            }

            var options = new ExportOptions(cli.Get(includeSecrets), profileReference, ParseCompression(cli.Get(compression)), ExportSource.Manual, cli.Get(continueOnErrors));
            ExportResult exported;
            if (cli.Get(storage) is { } destination)
            {
                if (cli.Get(output) is not null)
                {
                    throw new UsageException("--storage and --output cannot be given together.");
                }

                var store = await cli.StorageAsync(destination, ct);
                cli.Print.Progress("export", $"exporting to {store.Description}");
                exported = (await new StorageExport(session, cli.DataDirectory).ExportAsync(options, store, ct, step => cli.Print.Progress("export", step))).Export;
                exported = exported with { Path = $"{destination}:{exported.FileName}" };
            }
            else
            {
                var target = Path.Combine(cli.Host.CurrentDirectory, cli.Get(output) ?? ".");
                cli.Print.Progress("export", $"writing to {target}");
                exported = await new ConfigExporter(session).ExportToFileAsync(options, target, ct);
            }

            if (!exported.Encrypted)
            {
                cli.Print.Warning("this export is not encrypted (it holds no secrets, but it does hold the configuration). Use --profile to encrypt it.");
            }

            foreach (var warning in exported.Warnings)
            {
                cli.Print.Warning(warning);
            }

            cli.Print.Object(new JsonObject
            {
                ["file"] = exported.Path,
                ["bytes"] = exported.Bytes,
                ["encrypted"] = exported.Encrypted,
                ["profile"] = exported.ProfileName,
                ["fingerprint"] = exported.ProfileFingerprint,
                ["includeSecrets"] = exported.IncludeSecrets,
                ["exportedAt"] = exported.ExportedAt,
                ["counts"] = new JsonObject(exported.Counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
                ["warnings"] = new JsonArray(exported.Warnings.Select(w => (JsonNode)w).ToArray()),
            });
            return ExitCodes.Success;
        }, output, includeSecrets, profile, noEncryption, compression, continueOnErrors, storage, preview);
    }

    private static BackupCompression ParseCompression(string? text) =>
        text is null ? BackupCompression.Gzip
        : Compressions.TryParse(text, out var compression) ? compression
        : throw new InvalidInputException($"Unknown compression '{text}'.", "Choose none, gzip or brotli.");
}
