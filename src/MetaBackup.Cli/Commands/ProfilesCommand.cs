using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Input;
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
                var vault = new VaultService(await cli.OpenAsync(ct));
                var profile = await vault.CreateAsync(cli.Get(name) ?? throw new UsageException("--name is required."), cli.Get(description), ct);
                var view = View(profile);
                if (cli.Get(createKit) is { } path)
                {
                    view["recoveryKit"] = await WriteKitAsync(cli, vault, profile.Id, path, ct);
                }
                else
                {
                    cli.Print.Warning($"the key exists only on this server until you save its Recovery Kit: `metabackup profiles recovery-kit {profile.Name} -o FILE`.");
                }

                cli.Print.Object(view);
                return ExitCodes.Success;
            }, name, description, createKit),
            Make("list", "List profiles: name, id, fingerprint, locked or not (never the key).", host, async (cli, ct) =>
            {
                var profiles = await new VaultService(await cli.OpenAsync(ct)).ListAsync(ct);
                cli.Print.Table(profiles.Select(View).ToList(), "name", "id", "fingerprint", "locked");
                return ExitCodes.Success;
            }),
            Make("show", "Show one profile.", host, async (cli, ct) =>
            {
                cli.Print.Object(View(await new VaultService(await cli.OpenAsync(ct)).FindAsync(cli.Get(showReference), ct)));
                return ExitCodes.Success;
            }, showReference),
            WithAlias(Make("delete", "Delete a profile (refused while a job or the config.backup settings use it, and — without --force — while its key was never saved outside this server). Also: remove.", host, async (cli, ct) =>
            {
                var session = await cli.OpenAsync(ct);
                await new VaultService(session).DeleteAsync(cli.Get(deleteReference), cli.Get(force), profile => BackupsEncryptedWithAsync(cli, session, profile, ct), ct);
                cli.Print.Object(new JsonObject { ["deleted"] = cli.Get(deleteReference) });
                return ExitCodes.Success;
            }, deleteReference, force), "remove"),
            Make("recovery-kit", "Write a profile's Recovery Kit (its key, with instructions) to a file. Audited.", host, async (cli, ct) =>
            {
                var vault = new VaultService(await cli.OpenAsync(ct));
                var path = await WriteKitAsync(cli, vault, cli.Get(kitReference), cli.Get(kitOutput)!, ct);
                cli.Print.Object(new JsonObject { ["recoveryKit"] = path });
                cli.Print.Warning("keep the Recovery Kit offline and apart from the backups: anyone holding it can decrypt them.");
                return ExitCodes.Success;
            }, kitReference, kitOutput),
            Make("import-key", "Add a key from a Recovery Kit or a hex key file. The same key is never stored twice; a locked profile with its fingerprint is unlocked.", host, async (cli, ct) =>
            {
                var (key, recoveryKit) = KeyFileReader.Read(cli.Host, cli.Get(kit), cli.Get(keyFile));
                var (profile, outcome) = await new VaultService(await cli.OpenAsync(ct)).ImportKeyAsync(key, cli.Get(importName), recoveryKit, ct);
                var view = View(profile);
                view["outcome"] = outcome.ToString().ToLowerInvariant();
                cli.Print.Object(view);
                return ExitCodes.Success;
            }, kit, keyFile, importName));
    }

    private static async Task<string> WriteKitAsync(CommandContext cli, VaultService vault, string reference, string path, CancellationToken cancellationToken)
    {
        var full = Path.Combine(cli.Host.CurrentDirectory, path);
        if (File.Exists(full))
        {
            throw new Core.Configuration.InvalidInputException($"'{full}' already exists; a Recovery Kit is never written over another file.", "Choose a new file name.");
        }

        var kit = await vault.RecoveryKitAsync(reference, cancellationToken);
        PrivateFile.WriteAtomic(full, kit.ToText(DateTimeOffset.UtcNow));
        return full;
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

    /// <summary>The backups in the configuration backup destination encrypted with the profile; none when no destination is set or it cannot be read.</summary>
    private static async Task<IReadOnlyList<string>> BackupsEncryptedWithAsync(CommandContext cli, Core.Persistence.ConfigurationSession session, EncryptionProfile profile, CancellationToken ct)
    {
        if ((await new Core.Settings.SettingsService(session).ConfigBackupAsync(ct)).StorageId is not { } storage)
        {
            return [];
        }

        try
        {
            var entries = await new Core.Storage.BackupCatalog(await cli.StorageAsync(storage, ct)).ListAsync(ct);
            return entries.Where(e => e.ProfileFingerprint == profile.Fingerprint).Select(e => e.File).ToList();
        }
        catch (Core.Storage.StorageException)
        {
            return [];
        }
    }
}
