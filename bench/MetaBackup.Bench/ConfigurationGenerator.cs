using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Vault;
using MetaBackup.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Bench;

/// <summary>Fills a fresh data directory with a large configuration: credentials and adapters with sealed secrets, groups, settings.</summary>
public static class ConfigurationGenerator
{
    public const string SystemKey = "4242424242424242424242424242424242424242424242424242424242424242";
    public const string ProfileName = "bench";

    public static ConfigurationStore Store(string directory)
    {
        var dataDirectory = new DataDirectory(directory);
        string? Env(string name) => name == SystemKeySource.KeyVariable ? SystemKey : null;
        return new ConfigurationStore(dataDirectory, DatabaseProviders.For(dataDirectory, Env), Env, NullLoggerFactory.Instance);
    }

    public static async Task<TimeSpan> GenerateAsync(string directory, int records)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var store = Store(directory);
        await store.InitializeAsync();
        await using (var session = await store.OpenAsync())
        {
            await new VaultService(session).CreateAsync(ProfileName, null);
        }

        var share = new[] { ("credentials", 0.4), ("adapters", 0.3), ("groups", 0.2), ("settings", 0.1) };
        var counts = share.ToDictionary(s => s.Item1, s => (int)(records * s.Item2));
        counts["credentials"] += records - counts.Values.Sum();
        const int batch = 5_000;
        for (var offset = 0; offset < records; offset += batch)
        {
            await using var session = await store.OpenAsync();
            var db = session.Db;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = offset; i < Math.Min(records, offset + batch); i++)
            {
                Add(session, i, counts);
            }

            await db.SaveChangesAsync();
        }

        return watch.Elapsed;
    }

    private static void Add(ConfigurationSession session, int i, Dictionary<string, int> counts)
    {
        var secret = new SecretText($"generated-secret-{i:D8}-0123456789abcdef");
        var credentialsEnd = counts["credentials"];
        var adaptersEnd = credentialsEnd + counts["adapters"];
        var groupsEnd = adaptersEnd + counts["groups"];
        if (i < credentialsEnd)
        {
            session.Db.CredentialProfiles.Add(new CredentialProfile { Name = $"credentials-{i}", Username = $"user{i}", Password = session.Secrets.Seal(secret), Description = "generated for the benchmark" });
        }
        else if (i < adaptersEnd)
        {
            session.Db.Adapters.Add(new Adapter
            {
                Kind = AdapterKind.Database,
                Type = "postgres",
                Name = $"database-{i}",
                Config = $$"""{"host":"db-{{i}}.internal","port":5432,"database":"app{{i}}","username":"backup"}""",
                SecretConfig = session.Secrets.Seal(new SecretText($$"""{"password":"{{secret.Reveal()}}"}""")),
            });
        }
        else if (i < groupsEnd)
        {
            session.Db.Groups.Add(new Group { Name = $"group-{i}", Description = "generated", Permissions = ["jobs.read", "adapters.read", "config.export"] });
        }
        else
        {
            session.Db.Settings.Add(new Setting { Key = $"bench.setting{i}", Value = $"value-{i}" });
        }
    }
}
