using MetaBackup.Core.Adapters;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Core.Vault;

namespace MetaBackup.Testing;

/// <summary>
/// A configuration with records in all nine areas and every secret set, built through the services
/// (so it passes their validation). Each secret's plaintext is distinctive and returned, so tests can
/// look for it in files and outputs.
/// </summary>
public static class SampleConfiguration
{
    /// <summary>Seeds the store; returns every secret's plaintext keyed by "area.field" (adapters: "adapters.TYPE.KEY").</summary>
    public static async Task<Dictionary<string, string>> SeedAsync(ConfigurationSession session)
    {
        var secrets = new Dictionary<string, string>();
        SecretText Secret(string name)
        {
            var value = $"plaintext-{name}-{Guid.NewGuid():N}";
            secrets[name] = value;
            return new SecretText(value);
        }

        await new SettingsService(session).SetAsync("system.timezone", "Europe/Berlin");
        await new CredentialsService(session).AddAsync(
            new CredentialInput("shared-db", "for the databases", "backup"),
            new Dictionary<string, SecretText>
            {
                ["password"] = Secret("credentialProfiles.password"),
                ["privateKey"] = Secret("credentialProfiles.privateKey"),
                ["passphrase"] = Secret("credentialProfiles.passphrase"),
                ["token"] = Secret("credentialProfiles.token"),
            });

        var adapters = new AdaptersService(session);
        foreach (var type in AdapterTypes.All)
        {
            var values = type.Keys.Where(k => !k.Secret).ToDictionary(k => k.Name, k => SampleValue(k));
            var typeSecrets = type.SecretKeys.ToDictionary(k => k.Name, k => Secret($"adapters.{type.Name}.{k.Name}"));
            await adapters.AddAsync(type.Kind, type.Name, $"sample-{type.Name}", new AdapterConfigChange(values, typeSecrets, []), null);
        }

        var vault = new VaultService(session);
        var profile = await vault.CreateAsync("offsite", "for backups");
        secrets["encryptionProfiles.key"] = vault.KeyOf(profile).ToHex();

        await new JobsService(session).AddAsync(new JobInput(
            "nightly", "0 3 * * *", "sample-postgres",
            [new DestinationInput("sample-local", 5), new DestinationInput("sample-s3", 10)],
            "offsite", "gzip", [new NotificationInput("sample-slack", "failure")]));

        var group = await new GroupsService(session).AddAsync("operators", "people who restore", ["config.export", "config.import"]);
        var password = Secret("users.password");
        var user = await new UsersService(session).AddAsync(new UserInput("alice@example.com", "Alice", group.Name), new SecretText(password.Reveal()));
        secrets["users.passwordHash"] = session.Secrets.Open(user.PasswordHash!).Reveal();
        await new SsoService(session).AddAsync(new SsoInput("keycloak", "Keycloak", "https://login.example.com/realms/main", "metabackup", null, group.Name), Secret("ssoProviders.clientSecret"));
        var issued = await new ApiKeysService(session).AddAsync("ci", user.Email, ["config.export"], null);
        secrets["apiKeys.key"] = issued.Key.Reveal();
        secrets["apiKeys.keyHash"] = session.Secrets.Open(issued.Record.KeyHash!).Reveal();
        return secrets;
    }

    /// <summary>
    /// Adds <paramref name="count"/> plain groups ("bulk-00000" …) straight through the context, so that a configuration
    /// is large enough for an export or a run to last a moment (tests of interruption and of runs that meet).
    /// </summary>
    public static async Task AddBulkGroupsAsync(ConfigurationSession session, int count)
    {
        session.Db.Groups.AddRange(Enumerable.Range(0, count).Select(i => new Group { Name = $"bulk-{i:D5}", Description = new string('d', 100), Permissions = ["jobs.read", "jobs.write"] }));
        await session.Db.SaveChangesAsync();
    }

    private static string SampleValue(ConfigKey key) => key.Type switch
    {
        ConfigValueType.Integer => "5432",
        ConfigValueType.Boolean => "true",
        _ => key.AllowedValues?[0] ?? $"sample-{key.Name}",
    };
}
