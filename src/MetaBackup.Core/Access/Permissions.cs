using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Access;

/// <summary>
/// The permissions a group or an API key can grant, declared once (docs/api.md, "Permissions"); every
/// operation names the one it needs. Export, import, Recovery Kit downloads and key rotation have
/// permissions of their own because they move secrets or keys.
/// </summary>
public static class Permissions
{
    public const string SettingsRead = "settings.read";
    public const string SettingsWrite = "settings.write";
    public const string CredentialsRead = "credentials.read";
    public const string CredentialsWrite = "credentials.write";
    public const string AdaptersRead = "adapters.read";
    public const string AdaptersWrite = "adapters.write";

    /// <summary>Testing a connection reaches out (a notification test sends a message): separate from reading.</summary>
    public const string AdaptersTest = "adapters.test";
    public const string JobsRead = "jobs.read";
    public const string JobsWrite = "jobs.write";
    public const string JobsRun = "jobs.run";
    public const string UsersRead = "users.read";
    public const string UsersWrite = "users.write";
    public const string GroupsRead = "groups.read";
    public const string GroupsWrite = "groups.write";
    public const string SsoRead = "sso.read";
    public const string SsoWrite = "sso.write";
    public const string ApiKeysRead = "apikeys.read";
    public const string ApiKeysWrite = "apikeys.write";
    public const string ProfilesRead = "profiles.read";
    public const string ProfilesWrite = "profiles.write";
    public const string RecoveryKit = "profiles.recovery-kit";
    public const string ConfigExport = "config.export";
    public const string ConfigImport = "config.import";
    public const string TasksRead = "tasks.read";
    public const string TasksRun = "tasks.run";
    public const string BackupsRead = "backups.read";
    public const string SystemKeyRead = "system-key.read";
    public const string SystemKeyRotate = "system-key.rotate";
    public const string AuditRead = "audit.read";

    public static readonly IReadOnlyList<string> All =
    [
        SettingsRead, SettingsWrite,
        CredentialsRead, CredentialsWrite,
        AdaptersRead, AdaptersWrite, AdaptersTest,
        JobsRead, JobsWrite, JobsRun,
        UsersRead, UsersWrite,
        GroupsRead, GroupsWrite,
        SsoRead, SsoWrite,
        ApiKeysRead, ApiKeysWrite,
        ProfilesRead, ProfilesWrite, RecoveryKit,
        ConfigExport, ConfigImport,
        TasksRead, TasksRun,
        BackupsRead,
        SystemKeyRead, SystemKeyRotate,
        AuditRead,
    ];

    /// <summary>Checks and normalises a list of permissions (distinct, sorted).</summary>
    public static List<string> Parse(IEnumerable<string> permissions)
    {
        var list = permissions.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknown = list.Where(p => !All.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidInputException(
                $"Unknown permission{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown)}.",
                $"Known permissions: {string.Join(", ", All)}.");
        }

        return list;
    }
}
