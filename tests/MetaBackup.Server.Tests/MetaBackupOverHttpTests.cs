using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Issue 10's first acceptance point: the whole meta-backup through the API alone, on two real servers, with a marker
/// secret in every secret field — and not one of them in any response body of the run.
/// </summary>
public sealed class MetaBackupOverHttpTests : IAsyncLifetime
{
    private readonly Dictionary<string, string> _markers = [];
    private readonly ResponseLog _responses = new();
    private readonly TempDirectory _destination = new();
    private RunningServer _a = null!;
    private RunningServer _b = null!;

    public async ValueTask InitializeAsync()
    {
        _a = await RunningServer.StartAsync(TestKeys.A);
        _b = await RunningServer.StartAsync(TestKeys.B);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _destination.Dispose();
    }

    [Fact]
    public async Task A_configuration_backed_up_by_Run_now_on_one_server_is_restored_whole_on_a_fresh_one_over_HTTP_and_no_secret_is_ever_answered()
    {
        using var a = _a.Client(_responses);
        await a.SetUpAsync();

        // A profile, with its Recovery Kit in the response: the only way the key leaves the server.
        var created = ApiClient.Expect(HttpStatusCode.Created, await a.PostAsync("/api/v1/profiles", new { name = "offsite", description = "for the configuration backups" })).Json;
        var kit = created["recoveryKit"]!["text"]!.GetValue<string>();
        Assert.Contains(created["profile"]!["fingerprint"]!.GetValue<string>(), kit, StringComparison.Ordinal);
        await SeedEveryAreaAsync(a);

        // The Configuration Backup: a local destination, the profile, secrets included; then Run now.
        ApiClient.Expect(HttpStatusCode.Created, await a.PostAsync("/api/v1/adapters", new { kind = "storage", type = "local", name = "backups", config = new { path = _destination.Path } }));
        foreach (var (key, value) in new[] { ("config.backup.storageId", "backups"), ("config.backup.encryptionProfileId", "offsite"), ("config.backup.includeSecrets", "true") })
        {
            ApiClient.Expect(HttpStatusCode.OK, await a.PutAsync($"/api/v1/settings/{key}", new { value }));
        }

        var accepted = ApiClient.Expect(HttpStatusCode.Accepted, await a.PostAsync("/api/v1/tasks/config-backup/runs"));
        Assert.Equal("queued", accepted.Json["status"]!.GetValue<string>());
        var run = await PollAsync(a, accepted.Headers.Location!.ToString());
        Assert.True(run["status"]!.GetValue<string>() == "succeeded", run.ToJsonString());
        var backup = Path.Combine(_destination.Path, run["file"]!.GetValue<string>());
        Assert.EndsWith(".json.gz.enc", backup, StringComparison.Ordinal);

        // A second, fresh server: upload → the key (only the kit opens it) → valid → a full plan → apply exactly it.
        using var b = _b.Client(_responses);
        await b.SetUpAsync("other-admin@example.com");
        var upload = new ByteArrayContent(await File.ReadAllBytesAsync(backup));
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var session = ApiClient.Expect(HttpStatusCode.Created, await b.SendAsync(HttpMethod.Post, $"/api/v1/imports/upload?name={Path.GetFileName(backup)}", content: upload)).Json;
        Assert.Equal("needsKey", session["state"]!.GetValue<string>());
        var id = session["id"]!.GetValue<string>();
        var keyed = ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/key", new { kit })).Json;
        Assert.Equal("valid", keyed["state"]!.GetValue<string>());
        Assert.True(keyed["backup"]!["includeSecrets"]!.GetValue<bool>());
        var planned = ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "full" })).Json;
        var plan = planned["plan"]!;
        Assert.Contains(plan["entries"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "delete" && e["key"]!.GetValue<string>() == "other-admin@example.com");
        var applied = ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = plan["digest"]!.GetValue<string>() })).Json;
        Assert.Equal("applied", applied["state"]!.GetValue<string>());
        Assert.True(applied["result"]!["applied"]!.GetValue<bool>());
        Assert.Empty(applied["result"]!["backup"]!["needsSecret"]!.AsArray());

        // The configuration is the first server's: all nine areas, every secret (decrypted), ids and times.
        await using (var first = await _a.OpenStoreAsync())
        await using (var second = await _b.OpenStoreAsync())
        {
            Assert.Equal(await ConfigurationText.OfAsync(first), await ConfigurationText.OfAsync(second));
        }

        // Applying the plan removed the staged backup (the session keeps the result).
        Assert.Empty(_b.StagedFiles());

        // Not one marker in any response of the run — except the Recovery Kits, which hand out their own key by design.
        var scanned = _responses.Entries.Where(r => r.Request != "POST /api/v1/profiles").ToList();
        Assert.True(scanned.Count > 40, $"only {scanned.Count} responses were scanned");
        foreach (var (name, marker) in _markers)
        {
            Assert.DoesNotContain(scanned, r => r.Body.Contains(marker, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Records in every area through the API, each secret field holding a distinctive marker; reads each back.</summary>
    private async Task SeedEveryAreaAsync(ApiClient api)
    {
        ApiClient.Expect(HttpStatusCode.OK, await api.PutAsync("/api/v1/settings/system.timezone", new { value = "Europe/Berlin" }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/credentials", new
        {
            name = "shared-db",
            username = "backup",
            secrets = new { password = Marker("credentials.password"), privateKey = Marker("credentials.privateKey"), passphrase = Marker("credentials.passphrase"), token = Marker("credentials.token") },
        }));
        foreach (var type in AdapterTypes.All)
        {
            var config = type.Keys.Where(k => !k.Secret).ToDictionary(k => k.Name, k => (object)(k.Type switch
            {
                ConfigValueType.Integer => 5432,
                ConfigValueType.Boolean => true,
                _ => k.AllowedValues?[0] ?? $"sample-{k.Name}",
            }));
            var secrets = type.SecretKeys.ToDictionary(k => k.Name, k => k.Name == "privateKey" ? PrivateKey($"adapters.{type.Name}.{k.Name}") : Marker($"adapters.{type.Name}.{k.Name}"));
            ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/adapters", new { kind = Kinds.Name(type.Kind), type = type.Name, name = $"sample-{type.Name}", config, secrets }));
        }

        var importedKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _markers["encryptionProfiles.key"] = importedKey;
        ApiClient.Expect(HttpStatusCode.OK, await api.PostAsync("/api/v1/profiles/import-key", new { key = importedKey, name = "archive" }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/jobs", new
        {
            name = "nightly",
            schedule = "0 3 * * *",
            source = "sample-postgres",
            destinations = new[] { new { adapter = "sample-local", retention = 5 }, new { adapter = "sample-s3", retention = 10 } },
            encryptionProfile = "archive",
            notifications = new[] { new { adapter = "sample-slack", on = "failure" } },
        }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/groups", new { name = "operators", description = "people who restore", permissions = new[] { "config.export", "config.import" } }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/users", new { email = "alice@example.com", name = "Alice", group = "operators", password = Marker("users.password") }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/sso-providers", new { providerId = "keycloak", name = "Keycloak", issuer = "https://login.example.com/realms/main", clientId = "metabackup", defaultGroup = "operators", clientSecret = Marker("sso.clientSecret") }));
        var key = ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/api-keys", new { name = "ci", user = "alice@example.com", permissions = new[] { "config.export" } })).Json;
        Assert.StartsWith("mbk_", key["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(key["apiKey"]!["prefix"]!.GetValue<string>(), key["key"]!.GetValue<string>()[..12]);

        // Read everything back, so the scan covers every list and show route too.
        foreach (var path in new[] { "settings", "credentials", "adapters", "jobs", "groups", "users", "sso-providers", "api-keys", "profiles", "adapter-types", "audit", "snapshots", "tasks/config-backup", "tasks/runs" })
        {
            var list = ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync($"/api/v1/{path}")).Json;
            if (list is JsonArray items && path is "credentials" or "adapters" or "users" or "sso-providers" or "groups" or "profiles")
            {
                foreach (var item in items)
                {
                    var one = item!["id"]!.GetValue<string>();
                    ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync($"/api/v1/{path}/{one}"));
                }
            }
        }

        var credential = ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync("/api/v1/credentials/shared-db")).Json;
        Assert.True(credential["secrets"]!["password"]!.GetValue<bool>());
        ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync("/api/v1/export/preview?includeSecrets=true"));
    }

    private string Marker(string field)
    {
        var marker = $"marker-{field}-{Guid.NewGuid():N}";
        _markers[field] = marker;
        return marker;
    }

    /// <summary>A private key SFTP accepts (it is checked when given); a slice of its body is the marker.</summary>
    private string PrivateKey(string field)
    {
        using var rsa = RSA.Create(2048);
        var pem = PemEncoding.WriteString("RSA PRIVATE KEY", rsa.ExportRSAPrivateKey());
        _markers[field] = pem.Split('\n')[3];
        return pem;
    }

    private static async Task<JsonNode> PollAsync(ApiClient api, string location)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var run = ApiClient.Expect(HttpStatusCode.OK, await api.GetAsync(location)).Json;
            if (run["status"]!.GetValue<string>() is not ("queued" or "running"))
            {
                return run;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The run at {location} did not finish in 30 seconds.");
    }
}
