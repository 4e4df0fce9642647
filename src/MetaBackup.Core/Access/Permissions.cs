using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Access;

/// <summary>
/// The permissions a group or an API key can grant, declared once. Export, import and Recovery
/// Kit downloads have permissions of their own (PRODUCT §9) because they move secrets.
/// </summary>
public static class Permissions
{
    public static readonly IReadOnlyList<string> All =
    [
        "settings.read", "settings.write",
        "credentials.read", "credentials.write",
        "adapters.read", "adapters.write",
        "jobs.read", "jobs.write", "jobs.run",
        "users.read", "users.write",
        "groups.read", "groups.write",
        "sso.read", "sso.write",
        "apikeys.read", "apikeys.write",
        "profiles.read", "profiles.write", "profiles.recovery-kit",
        "config.export", "config.import",
        "tasks.read", "tasks.run",
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
