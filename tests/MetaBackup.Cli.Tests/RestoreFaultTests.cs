using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Restores after the configuration changed in the ways that broke them (issue 8, items 6–8), end to
/// end through the CLI: a full import must leave exactly the backup's configuration, whatever changed
/// since, and the safety snapshot must roll it back.
/// </summary>
public sealed class RestoreFaultTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public RestoreFaultTests() => _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;

    public void Dispose() => _cli.Dispose();

    private string Backup => Path.Combine(_cli.WorkingDirectory, "backup.json.gz");

    private async Task<string> ConfigurationAsync()
    {
        await using var session = await _cli.OpenStoreAsync();
        return await ConfigurationText.OfAsync(session);
    }

    /// <summary>
    /// Issue 8.6: the full import deleted the adapter first, while the job it was about to update still
    /// used it, and failed (NOT NULL job_destinations.AdapterId). The same for a notification adapter.
    /// </summary>
    [Theory]
    [InlineData("--destination", "disk2=3", "storage", "local", "path=/srv/c")]
    [InlineData("--notify", "chat2=always", "notification", "webhook", null)]
    public async Task A_full_import_after_a_job_was_attached_to_a_new_adapter_restores_the_backup_and_the_snapshot_rolls_it_back(
        string option, string value, string kind, string type, string? config)
    {
        await _cli.OkAsync("init");
        _cli.Environment["HOOK"] = "https://hooks.example.com/T000/B000/secret-token";
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=h", "--config", "database=db");
        await _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", "path=/srv/b");
        await _cli.OkAsync("adapters", "add", "--kind", "notification", "--type", "webhook", "--name", "chat", "--secret", "url=env:HOOK");
        await _cli.OkAsync("jobs", "add", "--name", "nightly", "--schedule", "0 3 * * *", "--source", "prod", "--destination", "disk=7", "--notify", "chat=failure");
        await _cli.OkAsync("export", "--no-encryption", "-o", Backup);
        var atBackup = await ConfigurationAsync();

        var adapter = value[..value.IndexOf('=', StringComparison.Ordinal)];
        string[] add = ["adapters", "add", "--kind", kind, "--type", type, "--name", adapter, .. config is null ? new[] { "--secret", "url=env:HOOK" } : ["--config", config]];
        await _cli.OkAsync(add);
        await _cli.OkAsync(option == "--destination"
            ? ["jobs", "update", "nightly", "--destination", "disk=7", "--destination", value]
            : ["jobs", "update", "nightly", "--notify", "chat=failure", "--notify", value]);
        var beforeImport = await ConfigurationAsync();

        var dryRun = JsonNode.Parse((await _cli.OkAsync("import", Backup, "--mode", "full", "--dry-run", "--json")).Out)!;
        var imported = JsonNode.Parse((await _cli.OkAsync("import", Backup, "--mode", "full", "--json")).Out)!;

        Assert.Equal(dryRun["plan"]!.ToJsonString(), imported["plan"]!.ToJsonString());
        Assert.Equal(atBackup, await ConfigurationAsync());

        await _cli.OkAsync("import", imported["safetySnapshot"]!.GetValue<string>(), "--mode", "full");

        Assert.Equal(beforeImport, await ConfigurationAsync());
    }

    /// <summary>
    /// Issue 8.7: one sealed secret damaged in the database (here an SSO client secret) made every import —
    /// even of a good backup that would repair it — and `validate` fail with "restore it from a
    /// configuration backup". Now an import that replaces it says so and repairs it; one that leaves it
    /// says so and succeeds.
    /// </summary>
    [Theory]
    [InlineData("Replaces", "--mode", "full")]
    [InlineData("Replaces", "--mode", "merge")]
    [InlineData("Replaces", "--mode", "selective", "--areas", "ssoProviders")]
    [InlineData("Leaves", "--mode", "selective", "--areas", "groups")]
    public async Task A_damaged_stored_secret_does_not_block_the_import_of_a_good_backup_which_repairs_it_or_reports_it(string outcome, params string[] mode)
    {
        var (backup, kit, expected) = await SampleWithGoodBackupAsync();
        _cli.Execute("UPDATE sso_providers SET \"ClientSecret\" = substr(\"ClientSecret\", 1, length(\"ClientSecret\") - 4) || 'AAAA'");

        var validated = await _cli.RunAsync("validate", backup, "--kit", kit);
        Assert.True(validated.ExitCode == 0, validated.ToString());
        var imported = await _cli.RunAsync(["import", backup, "--kit", kit, .. mode]);

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains($"{outcome} the stored clientSecret of SSO provider keycloak, which could not be decrypted", imported.Err, StringComparison.Ordinal);
        var export = await _cli.RunAsync("export", "--include-secrets", "--profile", "offsite", "-o", Path.Combine(_cli.WorkingDirectory, "after"));
        if (outcome == "Replaces")
        {
            Assert.True(export.ExitCode == 0, export.ToString());
            Assert.Equal(expected, await ConfigurationAsync());
        }
        else
        {
            Assert.Equal(1, export.ExitCode);
            Assert.Contains("clientSecret", export.Err, StringComparison.Ordinal);
            var needs = JsonNode.Parse((await _cli.OkAsync("import", backup, "--kit", kit, "--mode", "selective", "--areas", "groups", "--dry-run", "--json")).Out)!["needsSecret"]!.AsArray();
            Assert.Contains(needs, n => n!.GetValue<string>() == "ssoProviders 'keycloak': clientSecret");
        }
    }

    [Fact]
    public async Task A_damaged_secret_is_left_as_it_is_by_a_backup_without_secrets_and_reported()
    {
        await _cli.OkAsync("init");
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var plain = Path.Combine(_cli.WorkingDirectory, "plain.json.gz");
        await _cli.OkAsync("export", "--no-encryption", "-o", plain);
        _cli.Execute("UPDATE adapters SET \"SecretConfig\" = substr(\"SecretConfig\", 1, length(\"SecretConfig\") - 4) || 'AAAA' WHERE \"Name\" = 'sample-postgres'");
        var damaged = await SecretConfigOfAsync("sample-postgres");

        var imported = await _cli.RunAsync("import", plain, "--mode", "full");

        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("Leaves the stored secretConfig of adapter database/sample-postgres, which could not be decrypted", imported.Err, StringComparison.Ordinal);
        Assert.Equal(damaged, await SecretConfigOfAsync("sample-postgres"));
    }

    private async Task<string?> SecretConfigOfAsync(string adapter)
    {
        await using var session = await _cli.OpenStoreAsync();
        return session.Db.Adapters.Single(a => a.Name == adapter).SecretConfig?.Envelope;
    }

    /// <summary>The vault's own copy of the key a backup is encrypted with is damaged: the backup still opens with its Recovery Kit, and the import repairs the vault.</summary>
    [Fact]
    public async Task A_damaged_vault_key_does_not_stop_an_import_with_the_recovery_kit_which_repairs_it()
    {
        var (backup, kit, expected) = await SampleWithGoodBackupAsync();
        _cli.Execute("UPDATE encryption_profiles SET \"Key\" = substr(\"Key\", 1, length(\"Key\") - 4) || 'AAAA'");

        var withoutKit = await _cli.RunAsync("validate", backup);
        Assert.Equal(3, withoutKit.ExitCode);
        Assert.Contains("this server's copy of that key cannot be decrypted", withoutKit.Err, StringComparison.Ordinal);
        await _cli.OkAsync("import", backup, "--kit", kit, "--mode", "full");

        Assert.Equal(expected, await ConfigurationAsync());
    }

    private async Task<(string Backup, string Kit, string Configuration)> SampleWithGoodBackupAsync()
    {
        await _cli.OkAsync("init");
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var kit = Path.Combine(_cli.WorkingDirectory, "offsite.kit");
        await _cli.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        var backup = JsonNode.Parse((await _cli.OkAsync("export", "--include-secrets", "--profile", "offsite", "-o", _cli.WorkingDirectory, "--json")).Out)!["file"]!.GetValue<string>();
        return (backup, kit, await ConfigurationAsync());
    }

    /// <summary>
    /// Issue 8.8: import stored values that `add` and `update` refuse, leaving a configuration that does
    /// not work. Each record of a backup now goes through the same rules (<c>ConfigRecord.Normalize</c>);
    /// one that breaks a rule is skipped with a warning naming the rule, and the rest is imported.
    /// </summary>
    [Theory]
    [InlineData("storage-is-a-database", "setting 'config.backup.storageId'", "is a database adapter, not a storage adapter")]
    [InlineData("secrets-without-profile", "setting 'config.backup.includeSecrets'", "cannot include secrets without an Encryption Profile")]
    [InlineData("enabled-without-destination", "setting 'config.backup.enabled'", "need a destination")]
    [InlineData("reserved-key-typo", "setting 'config.bakup.schedule'", "is not a setting MetaBackup knows")]
    [InlineData("job-schedule", "job 'nightly'", "not a valid cron expression")]
    [InlineData("postgres-without-host", "adapter 'database/sample-postgres'", "needs 'host'")]
    [InlineData("postgres-port", "adapter 'database/sample-postgres'", "must be a whole number; got 'abc'")]
    [InlineData("group-permission", "group 'operators'", "Unknown permission: root")]
    [InlineData("issuer-scheme", "SSO provider 'keycloak'", "not a valid OpenID Connect issuer URL")]
    [InlineData("issuer-not-a-url", "SSO provider 'keycloak'", "not a valid OpenID Connect issuer URL")]
    [InlineData("scopes-without-openid", "SSO provider 'keycloak'", "must include 'openid'")]
    [InlineData("nul-in-a-name", "credential profile 'shared\u0000db'", "printable characters")]
    public async Task A_record_that_breaks_a_rule_of_add_and_update_is_skipped_with_a_warning_naming_the_rule(string breakage, string record, string rule)
    {
        var document = await SampleDocumentAsync();
        Break(document, breakage);
        var backup = _cli.WriteFile("broken.json", document.ToJsonString());
        using var target = new CliRunner();
        target.Environment["ENCRYPTION_KEY"] = TestKeys.B;
        await target.OkAsync("init");

        var imported = await target.RunAsync("import", backup, "--mode", "merge");

        Assert.True(imported.ExitCode == 0, imported.ToString());
        var warning = imported.Err.Split('\n').SingleOrDefault(l => l.Contains($"Skipped {System.Text.RegularExpressions.Regex.Unescape(record)}", StringComparison.Ordinal));
        Assert.True(warning is not null, imported.Err);
        Assert.Contains(rule, warning, StringComparison.Ordinal);
        await target.OkAsync("groups", "list");
    }

    /// <summary>Issue 8.8: an e-mail address as written in a backup matched the existing user but was stored mixed-case, after which `users show` found nobody and `users add` made a second account.</summary>
    [Fact]
    public async Task A_mixed_case_email_in_a_backup_updates_the_existing_user_and_is_stored_lower_case()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("users", "add", "--email", "alice@example.net", "--name", "Alice");
        var document = JsonNode.Parse(BackupDocument.ReadText(await ExportPlainAsync(), null))!.AsObject();
        var alice = document["users"]!.AsArray().Single()!;
        alice["id"] = "0123456789abcdef0123456789abcdef";
        alice["email"] = "ALICE@Example.NET";
        alice["name"] = "Alice Liddell";
        var backup = _cli.WriteFile("mixed.json", document.ToJsonString());

        await _cli.OkAsync("import", backup, "--mode", "merge");

        var shown = JsonNode.Parse((await _cli.OkAsync("users", "show", "alice@example.net", "--json")).Out)!;
        Assert.Equal("alice@example.net", shown["email"]!.GetValue<string>());
        Assert.Equal("Alice Liddell", shown["name"]!.GetValue<string>());
        Assert.Single(JsonNode.Parse((await _cli.OkAsync("users", "list", "--json")).Out)!.AsArray());
        Assert.Equal(1, (await _cli.RunAsync("users", "add", "--email", "Alice@Example.net")).ExitCode);
    }

    private async Task<string> ExportPlainAsync()
    {
        var path = Path.Combine(_cli.WorkingDirectory, $"plain-{Guid.NewGuid():N}.json");
        await _cli.OkAsync("export", "--no-encryption", "--compression", "none", "-o", path);
        return path;
    }

    /// <summary>The sample configuration as a plain backup document, with the Configuration Backup task configured (secrets off).</summary>
    private async Task<JsonObject> SampleDocumentAsync()
    {
        await _cli.OkAsync("init");
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        await _cli.OkAsync("settings", "set", "config.backup.storageId", "sample-local");
        return JsonNode.Parse(BackupDocument.ReadText(await ExportPlainAsync(), null))!.AsObject();
    }

    private static void Break(JsonObject document, string breakage)
    {
        JsonObject Record(string area, Func<JsonObject, bool> which) => document[area]!.AsArray().Select(r => r!.AsObject()).First(which);
        JsonObject Setting(string key) => Record("settings", r => r["key"]!.GetValue<string>() == key);
        var postgres = Record("adapters", r => r["name"]!.GetValue<string>() == "sample-postgres");
        var sso = Record("ssoProviders", _ => true);
        switch (breakage)
        {
            case "storage-is-a-database":
                Setting("config.backup.storageId")["value"] = postgres["id"]!.GetValue<string>();
                break;
            case "secrets-without-profile":
                var settings = document["settings"]!.AsArray();
                settings.Add(new JsonObject { ["id"] = "0123456789abcdef0123456789abcdef", ["createdAt"] = "2026-01-01T00:00:00Z", ["updatedAt"] = "2026-01-01T00:00:00Z", ["key"] = "config.backup.includeSecrets", ["value"] = "true" });
                break;
            case "enabled-without-destination":
                document["settings"]!.AsArray().Remove(Setting("config.backup.storageId"));
                document["settings"]!.AsArray().Add(new JsonObject { ["id"] = "0123456789abcdef0123456789abcde0", ["createdAt"] = "2026-01-01T00:00:00Z", ["updatedAt"] = "2026-01-01T00:00:00Z", ["key"] = "config.backup.enabled", ["value"] = "true" });
                break;
            case "reserved-key-typo":
                document["settings"]!.AsArray().Add(new JsonObject { ["id"] = "0123456789abcdef0123456789abcde1", ["createdAt"] = "2026-01-01T00:00:00Z", ["updatedAt"] = "2026-01-01T00:00:00Z", ["key"] = "config.bakup.schedule", ["value"] = "0 4 * * *" });
                break;
            case "job-schedule":
                Record("jobs", _ => true)["schedule"] = "not cron";
                break;
            case "postgres-without-host":
                postgres["config"]!.AsObject().Remove("host");
                break;
            case "postgres-port":
                postgres["config"]!["port"] = "abc";
                break;
            case "group-permission":
                Record("groups", _ => true)["permissions"]!.AsArray().Add("root");
                break;
            case "issuer-scheme":
                sso["issuer"] = "ftp://login.example.com/realms/main";
                break;
            case "issuer-not-a-url":
                sso["issuer"] = "not a url";
                break;
            case "scopes-without-openid":
                sso["scopes"] = new JsonArray("profile", "email");
                break;
            case "nul-in-a-name":
                Record("credentialProfiles", _ => true)["name"] = "shared\u0000db";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }
}
