using System.CommandLine;
using System.Text.Json.Nodes;
using MetaBackup.Cli.Input;
using MetaBackup.Cli.Output;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using static MetaBackup.Cli.CommandBuilder;

namespace MetaBackup.Cli.Commands;

/// <summary><c>metabackup validate</c> and <c>metabackup import</c>: bring a backup into this server, never making things worse.</summary>
public static class ImportCommands
{
    public static Command BuildValidate(CliHost host)
    {
        var file = FileArgument();
        var (storage, storageFile) = StorageOptions();
        var (kit, keyFile) = KeyOptions();

        return Make("validate", "Check a backup without changing anything: it decrypts and authenticates, its schema version is known, it is well-formed, and it does not clash with this database. Exit 3 when refused.", host, async (cli, ct) =>
        {
            var outcome = await cli.RunAsync(new ValidateBackup(Input(cli, file, storage, storageFile), SuppliedKey(cli, kit, keyFile), step => cli.Print.Progress("validate", step)), ct);
            foreach (var warning in outcome.Backup.Warnings)
            {
                cli.Print.Warning(warning);
            }

            var view = SecretMasking.ToJson(outcome.Backup).AsObject();
            view["valid"] = outcome.Valid;
            cli.Print.Object(view);
            return ExitCodes.Success;
        }, file, storage, storageFile, kit, keyFile);
    }

    public static Command BuildImport(CliHost host)
    {
        var file = FileArgument();
        var (storage, storageFile) = StorageOptions();
        var mode = new Option<string>("--mode") { Description = "full: afterwards the configuration equals the backup (records absent from it are deleted); merge: add and update, delete nothing; selective: only --areas (and --ids), merge semantics.", HelpName = "full|merge|selective", Required = true };
        mode.AcceptOnlyFromAmong([.. WireName.All<ImportMode>()]);
        var areas = Many("--areas", "For selective: the areas to import, comma-separated (settings, credentialProfiles, encryptionProfiles, groups, adapters, jobs, users, ssoProviders, apiKeys).", "A,B");
        var ids = Many("--ids", "For selective: only these record ids of the backup, comma-separated.", "ID,...");
        var dryRun = Flag("--dry-run", "Print the plan — per record: create, update (changed fields; secrets only as changed), delete, skip (reason), unchanged — and change nothing.");
        var (kit, keyFile) = KeyOptions();

        return Make("import", "Import a backup: validate, plan, save a safety snapshot, then apply in one transaction. Exit 0 applied, 1 failed (nothing changed), 3 refused by validation.", host, async (cli, ct) =>
        {
            var options = new ImportOptions(
                WireName.TryParse<ImportMode>(cli.Get(mode), out var chosen) ? chosen : throw new UsageException($"--mode is one of: {string.Join(", ", WireName.All<ImportMode>())}."),
                cli.Get(areas) is { Length: > 0 } a ? List(a) : null,
                cli.Get(ids) is { Length: > 0 } i ? List(i) : null,
                cli.Get(dryRun));
            var result = await cli.RunAsync(new ImportBackup(Input(cli, file, storage, storageFile), options, SuppliedKey(cli, kit, keyFile), step => cli.Print.Progress("import", step)), ct);
            foreach (var warning in result.Backup.Warnings)
            {
                cli.Print.Warning(warning);
            }

            // The plan record by record is what a dry run is for; an applied import reports its counts per area and
            // action (docs/cli.md, "import"): a restore of a million records printed a million lines of "create".
            if (!cli.Print.Json && !result.Applied)
            {
                cli.Print.TextTable(() => result.Plan.Entries.Where(e => e.Action != PlanAction.Unchanged), PlanColumns);
            }

            var view = SecretMasking.ToJson(result.Backup).AsObject();
            view["mode"] = WireName.Of(options.Mode);
            view["applied"] = result.Applied;
            view["safetySnapshot"] = result.SafetySnapshot;
            view["planDigest"] = result.Plan.Digest;
            // With --json, the plan's entries follow as they are read (Printer.Object with a list).
            cli.Print.Object(view, "plan", result.Plan.Entries.Select(e => SecretMasking.ToJson(e)));
            if (result.Applied)
            {
                cli.Print.Line($"Applied. To roll back: metabackup import {result.SafetySnapshot} --mode full");
            }
            else
            {
                cli.Print.Line("Dry run: nothing was changed.");
            }

            return ExitCodes.Success;
        }, file, storage, storageFile, mode, areas, ids, dryRun, kit, keyFile);
    }

    private static Argument<string?> FileArgument() => new("FILE")
    {
        Description = "The backup: an encrypted export, or plain .json / .json.gz / .json.br. Or use --storage with --file.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static (Option<string?> Storage, Option<string?> File) StorageOptions() => (
        Text("--storage", "Take the backup from this storage destination (id or name).", "REF"),
        Text("--file", "With --storage: the backup's file name there (see `metabackup backups list`).", "NAME"));

    private static (Option<string?> Kit, Option<string?> KeyFile) KeyOptions() => (
        Text("--kit", "A Recovery Kit, if the key is not in this server's vault.", "FILE"),
        Text("--key-file", "A file holding the key (64 hex), if it is not in this server's vault.", "FILE"));

    private static AesKey? SuppliedKey(CommandContext cli, Option<string?> kit, Option<string?> keyFile) =>
        cli.Get(kit) is null && cli.Get(keyFile) is null ? null : KeyFileReader.Read(cli.Host, cli.Get(kit), cli.Get(keyFile)).Key;

    /// <summary>The backup as FILE, or as --storage REF --file NAME.</summary>
    private static BackupInput Input(CommandContext cli, Argument<string?> file, Option<string?> storage, Option<string?> storageFile)
    {
        var local = cli.Get(file);
        var destination = cli.Get(storage);
        var name = cli.Get(storageFile);
        if (local is not null == destination is not null || (destination is not null) != (name is not null))
        {
            throw new UsageException("Give the backup as FILE, or as --storage REF --file NAME.");
        }

        return local is not null
            ? new BackupInput.File(Path.Combine(cli.Host.CurrentDirectory, local))
            : new BackupInput.InDestination(destination!, name!);
    }

    private static readonly string[] ActionNames = [.. WireName.All<PlanAction>()];

    /// <summary>The plan as a table: a line an entry, its text as it is (a key that looks like a time is not one).</summary>
    private static readonly Column<PlanEntryView>[] PlanColumns =
    [
        new("area", e => e.Area),
        new("action", e => ActionNames[(int)e.Action]),
        new("key", e => e.Key),
        new("details", e => e.Details),
    ];
}
