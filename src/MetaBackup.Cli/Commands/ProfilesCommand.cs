using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Input;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup profiles create|list|show|delete|recovery-kit|import-key</c>: the vault.</summary>
public static class ProfilesCommand
{
    public static Command Build(CliHost host)
    {
        var name = Text("--name", "The profile's name (unique).", "NAME");
        var description = Text("--description", "What the profile is for.");
        var createKit = Text("--recovery-kit", "Also write the new profile's Recovery Kit to this file.", "FILE");
        var kitOutput = new Option<string?>("--output", "-o") { Description = "The file to write the Recovery Kit to (created with mode 0600; never overwritten).", HelpName = "FILE", Required = true };
        var kit = Text("--kit", "A Recovery Kit file.", "FILE");
        var keyFile = Text("--key-file", "A file holding the key as 64 hex characters.", "FILE");
        var importName = Text("--name", "The name for a new profile (default: the kit's name).", "NAME");
        var showReference = Reference("The profile's id, name or fingerprint.");
        var deleteReference = Reference("The profile's id, name or fingerprint.");
        var kitReference = Reference("The profile's id, name or fingerprint.");
        var force = Flag("--force", "Delete even though the key was never saved outside this server (every backup encrypted with it becomes unreadable).");

        return Group("profiles", "Encryption Profiles: the keys backups are encrypted with, and their Recovery Kits.",
            Make("create", "Create a profile with a new random 256-bit key.", host, async (cli, ct) =>
            {
                var kitPath = cli.Get(createKit) is { } given ? NewKitPath(cli, given) : null;
                var created = await cli.RunAsync(new CreateProfile(cli.Get(name) ?? throw new UsageException("--name is required."), cli.Get(description), WithRecoveryKit: kitPath is not null), ct);
                var view = View(created.Profile);
                if (kitPath is not null)
                {
                    view["recoveryKit"] = WriteKit(kitPath, created.Kit!);
                }
                else
                {
                    cli.Print.Warning($"the key exists only on this server until you save its Recovery Kit: `metabackup profiles recovery-kit {created.Profile.Name} -o FILE`.");
                }

                cli.Print.Object(view);
                return ExitCodes.Success;
            }, name, description, createKit),
            Make("list", "List profiles: name, id, fingerprint, locked or not (never the key).", host, async (cli, ct) =>
            {
                cli.Print.Table([.. (await cli.RunAsync(new ListProfiles(), ct)).Select(View)], "name", "id", "fingerprint", "locked");
                return ExitCodes.Success;
            }),
            Make("show", "Show one profile.", host, async (cli, ct) =>
            {
                cli.Print.Object(View(await cli.RunAsync(new ShowProfile(cli.Get(showReference)), ct)));
                return ExitCodes.Success;
            }, showReference),
            WithAlias(Make("delete", "Delete a profile (refused while a job or the config.backup settings use it, and — without --force — while its key was never saved outside this server). Also: remove.", host, async (cli, ct) =>
            {
                await cli.RunAsync(new DeleteProfile(cli.Get(deleteReference), cli.Get(force)), ct);
                cli.Print.Object(new JsonObject { ["deleted"] = cli.Get(deleteReference) });
                return ExitCodes.Success;
            }, deleteReference, force), "remove"),
            Make("recovery-kit", "Write a profile's Recovery Kit (its key, with instructions) to a file. Audited.", host, async (cli, ct) =>
            {
                var path = NewKitPath(cli, cli.Get(kitOutput)!);
                WriteKit(path, await cli.RunAsync(new DownloadRecoveryKit(cli.Get(kitReference)), ct));
                cli.Print.Object(new JsonObject { ["recoveryKit"] = path });
                cli.Print.Warning("keep the Recovery Kit offline and apart from the backups: anyone holding it can decrypt them.");
                return ExitCodes.Success;
            }, kitReference, kitOutput),
            Make("import-key", "Add a key from a Recovery Kit or a hex key file. The same key is never stored twice; a locked profile with its fingerprint is unlocked.", host, async (cli, ct) =>
            {
                var (key, recoveryKit) = KeyFileReader.Read(cli.Host, cli.Get(kit), cli.Get(keyFile));
                var (profile, outcome) = await cli.RunAsync(new ImportProfileKey(key, recoveryKit, cli.Get(importName)), ct);
                var view = View(profile);
                view["outcome"] = WireName.Of(outcome);
                cli.Print.Object(view);
                return ExitCodes.Success;
            }, kit, keyFile, importName));
    }

    /// <summary>Where a Recovery Kit goes: a new file, never one that exists.</summary>
    private static string NewKitPath(CommandContext cli, string path)
    {
        var full = Path.Combine(cli.Host.CurrentDirectory, path);
        return File.Exists(full)
            ? throw new Core.Configuration.InvalidInputException($"'{full}' already exists; a Recovery Kit is never written over another file.", "Choose a new file name.")
            : full;
    }

    private static string WriteKit(string path, RecoveryKitDocument kit)
    {
        PrivateFile.WriteAtomic(path, kit.Text.Reveal());
        return path;
    }

    private static JsonObject View(EncryptionProfile profile) => new()
    {
        ["id"] = profile.Id,
        ["name"] = profile.Name,
        ["description"] = profile.Description,
        ["fingerprint"] = profile.Fingerprint,
        ["locked"] = profile.IsLocked,
        ["createdAt"] = profile.CreatedAt,
        ["updatedAt"] = profile.UpdatedAt,
    };
}
