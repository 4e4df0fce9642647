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
        DatabaseDump.Execute(_cli.DatabasePath, "UPDATE sso_providers SET ClientSecret = substr(ClientSecret, 1, length(ClientSecret) - 4) || 'AAAA'");

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
        DatabaseDump.Execute(_cli.DatabasePath, "UPDATE adapters SET SecretConfig = substr(SecretConfig, 1, length(SecretConfig) - 4) || 'AAAA' WHERE Name = 'sample-postgres'");
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
        DatabaseDump.Execute(_cli.DatabasePath, "UPDATE encryption_profiles SET Key = substr(Key, 1, length(Key) - 4) || 'AAAA'");

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
}
