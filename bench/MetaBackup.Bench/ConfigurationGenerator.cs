using MetaBackup.Core.Adapters;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Core.Vault;
using MetaBackup.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Bench;

/// <summary>
/// Fills a fresh data directory with a realistic configuration of about the given number of records, every area
/// present and the references between them real (docs/performance.md): users in groups, API keys of users, an SSO
/// provider with a default group, database, storage and notification adapters with sealed secrets, jobs that back up a
/// database adapter to two storage adapters under the Encryption Profile and notify one, credential profiles, settings.
/// Records are written straight through EF Core a batch at a time (a password is hashed once and its seal reused
/// nowhere: each record seals its own secret).
/// </summary>
public static class ConfigurationGenerator
{
    public const string SystemKey = "4242424242424242424242424242424242424242424242424242424242424242";
    public const string ProfileName = "bench";

    /// <summary>The store of a generated configuration (its system key from the environment), or of a directory <c>metabackup init</c> made (its own key file).</summary>
    /// <param name="environment">What the CLI was given in its environment for that directory (a PostgreSQL database and its password).</param>
    public static ConfigurationStore Store(string directory, bool generated = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dataDirectory = new DataDirectory(directory);
        string? Env(string name) => generated && name == SystemKeySource.KeyVariable ? SystemKey : environment?.GetValueOrDefault(name);
        return new ConfigurationStore(dataDirectory, DatabaseProviders.For(dataDirectory, Env), Env, NullLoggerFactory.Instance);
    }

    /// <summary>How many records of each area a configuration of <paramref name="records"/> holds.</summary>
    public static IReadOnlyDictionary<string, int> Shares(int records)
    {
        int Part(double share, int least) => Math.Max(least, (int)(records * share));
        var counts = new Dictionary<string, int>
        {
            ["settings"] = 1,
            ["encryptionProfiles"] = 1,
            ["groups"] = Part(0.02, 2),
            ["ssoProviders"] = Part(0.001, 1),
            ["users"] = Part(0.25, 2),
            ["apiKeys"] = Part(0.08, 1),
            ["credentialProfiles"] = Part(0.10, 1),
            ["databases"] = Part(0.12, 1),
            ["storages"] = Part(0.06, 2),
            ["notifications"] = Part(0.02, 1),
        };
        counts["jobs"] = Math.Max(1, records - counts.Values.Sum());
        return counts;
    }

    public static async Task<TimeSpan> GenerateAsync(string directory, int records)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var store = Store(directory);
        await store.InitializeAsync();
        string profileId;
        await using (var session = await store.OpenAsync())
        {
            profileId = (await new VaultService(session).CreateAsync(ProfileName, null)).Id;
            await new SettingsService(session).SetAsync("system.timezone", "Europe/Berlin");
        }

        var shares = Shares(records);
        var groups = await AddAsync(store, shares["groups"], (_, i) => new Group { Name = $"group-{i}", Description = "generated", Permissions = ["adapters.read", "config.export", "jobs.read"] });
        await AddAsync(store, shares["ssoProviders"], (s, i) => new SsoProvider { ProviderId = $"idp-{i}", Name = $"Identity provider {i}", Issuer = $"https://login{i}.example.com/realms/main", ClientId = "metabackup", ClientSecret = s.Secrets.Seal(Secret("sso", i)), DefaultGroupId = groups[i % groups.Count] });
        var users = await AddAsync(store, shares["users"], (s, i) => new User { Email = $"user{i}@example.com", Name = $"User {i}", GroupId = groups[i % groups.Count], PasswordHash = s.Secrets.Seal(Secret("hash", i)) });
        await AddAsync(store, shares["apiKeys"], (s, i) => new ApiKey { Name = $"key {i}", UserId = users[i % users.Count], Prefix = Prefix(i), KeyHash = s.Secrets.Seal(Secret("key", i)), Permissions = ["config.export"] });
        await AddAsync(store, shares["credentialProfiles"], (s, i) => new CredentialProfile { Name = $"credentials-{i}", Username = $"user{i}", Password = s.Secrets.Seal(Secret("password", i)), Description = "generated" });
        var databases = await AddAsync(store, shares["databases"], (s, i) => Adapter(s, AdapterKind.Database, "postgres", $"database-{i}", $$"""{"host":"db-{{i}}.internal","port":5432,"database":"app{{i}}","username":"backup"}""", $$"""{"password":"{{Secret("db", i).Reveal()}}"}"""));
        var storages = await AddAsync(store, shares["storages"], (s, i) => i % 2 == 0
            ? Adapter(s, AdapterKind.Storage, "local", $"storage-{i}", $$"""{"path":"/srv/backups/{{i}}"}""", null)
            : Adapter(s, AdapterKind.Storage, "s3", $"storage-{i}", $$"""{"region":"eu-central-1","bucket":"backups-{{i}}","accessKeyId":"AKIA{{i:D12}}"}""", $$"""{"secretAccessKey":"{{Secret("s3", i).Reveal()}}"}"""));
        var notifications = await AddAsync(store, shares["notifications"], (s, i) => Adapter(s, AdapterKind.Notification, "slack", $"notify-{i}", """{"channel":"#backups"}""", $$"""{"webhookUrl":"https://hooks.slack.com/services/{{Secret("hook", i).Reveal()}}"}"""));
        await AddAsync(store, shares["jobs"], (_, i) => new Job
        {
            Name = $"job-{i}",
            Schedule = $"{i % 60} {i % 24} * * *",
            SourceAdapterId = databases[i % databases.Count],
            EncryptionProfileId = profileId,
            Destinations = [new JobDestination { AdapterId = storages[i % storages.Count], Retention = 7 }, new JobDestination { AdapterId = storages[(i + 1) % storages.Count], Retention = 30, Position = 1 }],
            Notifications = [new JobNotification { AdapterId = notifications[i % notifications.Count], On = "failure" }],
        });
        return watch.Elapsed;
    }

    private static SecretText Secret(string what, int i) => new($"generated-{what}-{i:D8}-0123456789abcdef");

    private static Adapter Adapter(ConfigurationSession session, AdapterKind kind, string type, string name, string config, string? secretConfig) => new()
    {
        Kind = kind,
        Type = type,
        Name = name,
        Config = config,
        SecretConfig = secretConfig is null ? null : session.Secrets.Seal(new SecretText(secretConfig)),
    };

    /// <summary>An API key prefix: mbk_ and the number in eight base-32 characters (a-z, 2-7).</summary>
    private static string Prefix(int i)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var chars = new char[8];
        for (var c = 7; c >= 0; c--, i /= 32)
        {
            chars[c] = alphabet[i % 32];
        }

        return "mbk_" + new string(chars);
    }

    /// <summary>Adds <paramref name="count"/> records made by <paramref name="make"/>, 5,000 to a save; returns their ids.</summary>
    private static async Task<List<string>> AddAsync<TRecord>(ConfigurationStore store, int count, Func<ConfigurationSession, int, TRecord> make)
        where TRecord : ConfigRecord
    {
        const int batch = 5_000;
        var ids = new List<string>(count);
        for (var offset = 0; offset < count; offset += batch)
        {
            await using var session = await store.OpenAsync();
            session.Db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = offset; i < Math.Min(count, offset + batch); i++)
            {
                var record = make(session, i);
                session.Db.Add(record);
                ids.Add(record.Id);
            }

            await session.Db.SaveChangesAsync();
        }

        return ids;
    }
}
