using MetaBackup.Core.Configuration;

namespace MetaBackup.Cli;

/// <summary>
/// The CLI's one table from an error code (<see cref="ErrorCode"/>) to its exit code (docs/exit-codes.md)
/// and to a hint in its own syntax, built from the error's details — Core's messages and hints name no
/// front end, so the command or option to use is said here, once.
/// </summary>
public static class CliErrors
{
    public static int ExitCodeOf(ErrorCode code) => code switch
    {
        ErrorCode.BackupRefused => ExitCodes.ValidationRefused,
        _ => ExitCodes.Failure,
    };

    /// <summary>The exit code of a failure: an input the command line must give but did not is a usage error.</summary>
    public static int ExitCodeOf(MetaBackupException error) =>
        error.Code == ErrorCode.InvalidInput && error.Details.ContainsKey("missingInput") ? ExitCodes.Usage : ExitCodeOf(error.Code);

    /// <summary>The command group that manages an area (areas are named as in a backup document).</summary>
    public static string CommandOf(string area) => area switch
    {
        "credentialProfiles" => "credentials",
        "encryptionProfiles" => "profiles",
        "ssoProviders" => "sso",
        "apiKeys" => "apikeys",
        _ => area,
    };

    /// <summary>What to type, when the error says what is needed; null when Core's own hint says all.</summary>
    public static string? HintFor(MetaBackupException error)
    {
        var details = error.Details;
        string? Detail(string name) => details.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        return error.Code switch
        {
            ErrorCode.NotFound when Detail("area") is { } area => $"list what exists with `metabackup {CommandOf(area)} list{(Detail("kind") is { } kind ? $" --kind {kind}" : "")}`.",
            ErrorCode.NotFound => "list the backups in a destination with `metabackup backups list --storage REF`.",
            ErrorCode.Duplicate when Detail("area") is { } area => $"change the existing one with `metabackup {CommandOf(area)} update`.",
            ErrorCode.NotInitialized => "`metabackup init` initialises it; --data-dir DIR (or METABACKUP_DATA_DIR) names another.",
            ErrorCode.ProfileLocked => "`metabackup profiles import-key --kit RECOVERY_KIT` imports the key.",
            ErrorCode.KeyNotSaved when Detail("profile") is { } profile => $"`metabackup profiles recovery-kit {profile} -o FILE` saves it; --force deletes anyway.",
            ErrorCode.BackupRefused when Detail("needsKey") is not null => "give the key with --kit RECOVERY_KIT or --key-file KEY_FILE, or import it first with `metabackup profiles import-key`.",
            ErrorCode.SecretUnreadable => "set a secret again with `metabackup AREA update REF --secret NAME=SOURCE`; `export --continue-on-secret-errors` exports anyway.",
            ErrorCode.Conflict when Detail("running") is not null => "`metabackup tasks runs` shows the run in progress.",
            ErrorCode.Conflict when Detail("stalePlan") is not null => "run the import with --dry-run again to see the plan as it is now.",
            ErrorCode.Forbidden => "run it as an operator of this server's data directory, or ask an administrator for the permission.",
            ErrorCode.InvalidInput when Detail("missingInput") == "newKey" => "put the new key in a file only you can read and give it with --new-key-file FILE.",
            ErrorCode.InvalidInput when Detail("secretKey") is { } key => $"give it with --secret {key}=stdin, --secret {key}=env:VARIABLE or --secret {key}=file:PATH.",
            ErrorCode.InvalidInput when Detail("configKey") is { } key => $"give it with --config {key}=VALUE.",
            ErrorCode.InvalidInput when Detail("unsetKey") is { } key => $"remove it with --unset {key}.",
            ErrorCode.InvalidInput when Detail("missingKeys") is { } keys => "set " + string.Join(" ", keys.Split(',').Select(k => k.StartsWith("secret:", StringComparison.Ordinal) ? $"--secret {k[7..]}=SOURCE" : $"--config {k}=VALUE")) + ".",
            ErrorCode.InvalidInput when Detail("field") is { } field => field switch
            {
                "source" => "name it with --source ADAPTER.",
                "schedule" => "give it with --schedule CRON.",
                "destinations" => "name one with --destination ADAPTER[=KEEP].",
                "profile" => "name it with --profile NAME (see `metabackup profiles list`), or leave out --include-secrets.",
                _ => null,
            },
            ErrorCode.InvalidInput when Detail("missingFile") is not null => "for a backup in a destination, give --storage REF --file NAME (see `metabackup backups list --storage REF`).",
            ErrorCode.InvalidInput when Detail("setting") is { } setting => $"`metabackup settings set {setting} VALUE`.",
            _ => null,
        };
    }
}
