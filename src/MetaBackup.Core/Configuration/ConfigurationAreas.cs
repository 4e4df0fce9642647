using MetaBackup.Core.Adapters;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Core.Vault;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// The nine areas of the configuration (docs/architecture.md, "Declared once"), each declared once, in dependency order:
/// an area appears after every area it depends on, which is the order an import creates records in.
/// </summary>
public static class ConfigurationAreas
{
    public static readonly ConfigurationArea Settings = new("settings", "setting", typeof(Setting), "key", []);
    public static readonly ConfigurationArea CredentialProfiles = new("credentialProfiles", "credential profile", typeof(CredentialProfile), "name", []);
    public static readonly ConfigurationArea EncryptionProfiles = new("encryptionProfiles", "encryption profile", typeof(EncryptionProfile), "fingerprint", [], AlsoUnique: ["name"]);
    public static readonly ConfigurationArea Groups = new("groups", "group", typeof(Group), "name", []);
    public static readonly ConfigurationArea Adapters = new("adapters", "adapter", typeof(Adapter), "kind+name",
        [new("credentialProfileId", "credentialProfiles", Optional: true)]);

    public static readonly ConfigurationArea Jobs = new("jobs", "job", typeof(Job), "name",
    [
        new("sourceAdapterId", "adapters", AdapterKind.Database),
        new("destinations[].adapterId", "adapters", AdapterKind.Storage),
        new("notifications[].adapterId", "adapters", AdapterKind.Notification),
        new("encryptionProfileId", "encryptionProfiles", Optional: true),
    ]);

    public static readonly ConfigurationArea Users = new("users", "user", typeof(User), "email",
        [new("groupId", "groups", Optional: true)]);

    public static readonly ConfigurationArea SsoProviders = new("ssoProviders", "SSO provider", typeof(SsoProvider), "providerId",
        [new("defaultGroupId", "groups", Optional: true)]);

    public static readonly ConfigurationArea ApiKeys = new("apiKeys", "API key", typeof(ApiKey), "prefix",
        [new("userId", "users")]);

    public static readonly IReadOnlyList<ConfigurationArea> All =
        [Settings, CredentialProfiles, EncryptionProfiles, Groups, Adapters, Jobs, Users, SsoProviders, ApiKeys];

    private static readonly Dictionary<string, ConfigurationArea> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>The area of that JSON name, or null.</summary>
    public static ConfigurationArea? Named(string name) => ByName.GetValueOrDefault(name);

    public static ConfigurationArea For<TRecord>() where TRecord : ConfigRecord =>
        All.Single(a => a.EntityType == typeof(TRecord));
}
