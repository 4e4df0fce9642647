using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Settings;
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
        var profile = Text("--profile", $"The Encryption Profile to encrypt with (id, name or fingerprint). Default: the profile in setting {SettingKeys.ConfigBackupEncryptionProfileId}, if any.", "PROFILE");
        var noEncryption = Flag("--no-encryption", "Write a plain (unencrypted) export even if a default profile is configured; not with --include-secrets.");
        var compression = Text("--compression", "none, gzip or brotli (default gzip).", "KIND");
        var continueOnErrors = Flag("--continue-on-secret-errors", "Export even if a stored secret cannot be decrypted; it is exported as \"\" and named in the warnings.");
        var storage = Text("--storage", "Write the export to this storage destination (id or name) instead of a local file, with its sidecar, and verify it there.", "REF");
        var preview = Flag("--preview", "Show what the export would contain, and write nothing.");

        return Make("export", "Export the whole configuration as one portable file (encrypted when a profile is given).", host, async (cli, ct) =>
        {
            if (cli.Get(preview))
            {
                var result = await cli.RunAsync(new PreviewExport(cli.Get(includeSecrets)), ct);
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

            if (cli.Get(storage) is not null && cli.Get(output) is not null)
            {
                throw new UsageException("--storage and --output cannot be given together.");
            }

            var request = new ExportRequest(cli.Get(includeSecrets), cli.Get(profile), cli.Get(noEncryption), ParseCompression(cli.Get(compression)), cli.Get(continueOnErrors));
            ExportTarget target = cli.Get(storage) is { } destination
                ? new ExportTarget.Destination(destination)
                : new ExportTarget.File(Path.Combine(cli.Host.CurrentDirectory, cli.Get(output) ?? "."));
            var outcome = await cli.RunAsync(new ExportBackup(request, target, step => cli.Print.Progress("export", step)), ct);
            var exported = outcome.Result;
            if (outcome.UsedDefaultProfile)
            {
                cli.Print.Warning($"encrypted with the profile named by {SettingKeys.ConfigBackupEncryptionProfileId}.");
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
