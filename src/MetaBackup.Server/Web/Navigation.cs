using MetaBackup.Core.Access;

namespace MetaBackup.Server.Web;

/// <summary>One entry of the UI's navigation: where it goes and the permission that shows it.</summary>
public sealed record NavigationEntry(string Title, string Path, string Permission, string Section);

/// <summary>The UI's navigation, declared once (docs/ui.md, "Pages"): the layout shows the entries the actor may open.</summary>
public static class Navigation
{
    public static readonly IReadOnlyList<NavigationEntry> All =
    [
        new("Configuration Backup", "/settings/system-tasks/config-backup", Permissions.TasksRead, "Meta-Backup"),
        new("Vault", "/vault", Permissions.ProfilesRead, "Meta-Backup"),
        new("Export", "/export", Permissions.ConfigExport, "Meta-Backup"),
        new("Restore", "/restore", Permissions.ConfigImport, "Meta-Backup"),
        new("Databases", "/adapters/database", Permissions.AdaptersRead, "Configuration"),
        new("Storage", "/adapters/storage", Permissions.AdaptersRead, "Configuration"),
        new("Notifications", "/adapters/notification", Permissions.AdaptersRead, "Configuration"),
        new("Credentials", "/credentials", Permissions.CredentialsRead, "Configuration"),
        new("Jobs", "/jobs", Permissions.JobsRead, "Configuration"),
        new("Settings", "/settings", Permissions.SettingsRead, "Configuration"),
        new("Users", "/users", Permissions.UsersRead, "Access"),
        new("Groups", "/groups", Permissions.GroupsRead, "Access"),
        new("SSO providers", "/sso", Permissions.SsoRead, "Access"),
        new("API keys", "/api-keys", Permissions.ApiKeysRead, "Access"),
        new("Audit log", "/audit", Permissions.AuditRead, "Access"),
    ];

    public static IEnumerable<IGrouping<string, NavigationEntry>> For(Actor actor) =>
        All.Where(e => actor.May(e.Permission)).GroupBy(e => e.Section);
}
