using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>Acceptance of the export issue, through the CLI: export, recover with the kit alone, refusals that write nothing.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly CliRunner _server = new();
    private readonly CliRunner _elsewhere = new();

    public void Dispose()
    {
        _server.Dispose();
        _elsewhere.Dispose();
    }

    private async Task<(string Backup, string Kit, Dictionary<string, string> Secrets)> ExportWithSecretsAsync()
    {
        await _server.OkAsync("init");
        var secrets = new Dictionary<string, string>
        {
            ["DB_PW"] = "db-password-" + Guid.NewGuid().ToString("N"),
            ["S3_SECRET"] = "s3-secret-" + Guid.NewGuid().ToString("N"),
            ["SSO_SECRET"] = "sso-secret-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var (name, value) in secrets)
        {
            _server.Environment[name] = value;
        }

        await _server.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=db", "--config", "database=app", "--secret", "password=env:DB_PW");
        await _server.OkAsync("adapters", "add", "--kind", "storage", "--type", "s3", "--name", "offsite", "--config", "region=eu", "--config", "bucket=b", "--config", "accessKeyId=AK", "--secret", "secretAccessKey=env:S3_SECRET");
        await _server.OkAsync("sso", "add", "--provider-id", "kc", "--issuer", "https://kc.example.com", "--client-id", "mb", "--secret", "clientSecret=env:SSO_SECRET");
        var kit = Path.Combine(_server.WorkingDirectory, "vault.kit");
        await _server.OkAsync("profiles", "create", "--name", "vault", "--recovery-kit", kit);
        await _server.OkAsync("jobs", "add", "--name", "nightly", "--schedule", "@daily", "--source", "prod", "--destination", "offsite", "--profile", "vault");

        var exported = JsonNode.Parse((await _server.OkAsync("export", "--include-secrets", "--profile", "vault", "-o", _server.WorkingDirectory, "--json")).Out)!;
        return (exported["file"]!.GetValue<string>(), kit, secrets);
    }

    /// <summary>Issue 10: exports with secrets are audited — by whom, and whether secrets went out — and `audit list` finds them by action.</summary>
    [Fact]
    public async Task An_export_with_secrets_is_in_the_audit_log_and_audit_list_filters_by_action_and_actor()
    {
        await ExportWithSecretsAsync();
        await _server.OkAsync("export", "-o", _server.WorkingDirectory + "/plain/");

        var exports = JsonNode.Parse((await _server.OkAsync("audit", "list", "--action", "config.export", "--json")).Out)!.AsArray();
        var byOthers = JsonNode.Parse((await _server.OkAsync("audit", "list", "--actor", "user:nobody@example.com", "--json")).Out)!.AsArray();

        Assert.Equal(2, exports.Count);
        Assert.EndsWith("secrets stripped", exports[0]!["target"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("secrets included", exports[1]!["target"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(exports, e => Assert.Equal("cli:tester", e!["actor"]!.GetValue<string>()));
        Assert.Empty(byOthers);
        Assert.Contains("profile.recovery-kit", (await _server.OkAsync("audit", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_with_secrets_is_recovered_with_the_recovery_kit_alone_on_a_machine_without_metabackup_data()
    {
        var (backup, kit, secrets) = await ExportWithSecretsAsync();
        var bareBackup = Path.Combine(_elsewhere.WorkingDirectory, Path.GetFileName(backup));
        var bareKit = Path.Combine(_elsewhere.WorkingDirectory, "kit.txt");
        File.Copy(backup, bareBackup);
        File.Copy(kit, bareKit);
        var output = Path.Combine(_elsewhere.WorkingDirectory, "config.json");

        await _elsewhere.OkAsync("recover", bareBackup, "--kit", bareKit, "-o", output);

        Assert.False(Directory.Exists(_elsewhere.DataDirectory));
        var text = await File.ReadAllTextAsync(output);
        var document = BackupDocument.ParseValid(text);
        Assert.All(secrets.Values, secret => Assert.Contains(secret, text, StringComparison.Ordinal));
        Assert.Equal("nightly", document["jobs"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(2, document["adapters"]!.AsArray().Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        var key = Core.Vault.RecoveryKit.Parse(await File.ReadAllTextAsync(kit), kit).Key.ToHex();
        Assert.Equal(key, document["encryptionProfiles"]![0]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_area_and_every_secret_value_comes_back_byte_for_byte_from_the_file_and_the_kit_alone()
    {
        await _server.OkAsync("init");
        Dictionary<string, string> secrets;
        await using (var session = await _server.OpenStoreAsync())
        {
            secrets = await SampleConfiguration.SeedAsync(session);
        }

        var kit = Path.Combine(_server.WorkingDirectory, "offsite.kit");
        await _server.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        var backup = JsonNode.Parse((await _server.OkAsync("export", "--include-secrets", "--profile", "offsite", "-o", _server.WorkingDirectory, "--json")).Out)!["file"]!.GetValue<string>();
        var output = Path.Combine(_elsewhere.WorkingDirectory, "config.json");

        await _elsewhere.OkAsync("recover", backup, "--kit", kit, "-o", output);

        var text = await File.ReadAllTextAsync(output);
        var document = BackupDocument.ParseValid(text);
        foreach (var area in Core.Configuration.ConfigurationAreas.All)
        {
            Assert.NotEmpty(document[area.Name]!.AsArray());
        }

        var values = StringValues(document).ToHashSet();
        foreach (var (field, value) in secrets.Where(s => s.Key is not "users.password" and not "apiKeys.key"))
        {
            // Each secret is a string value of the document, exactly as it was entered.
            Assert.True(values.Contains(value), $"{field} is not in the recovered document");
        }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_naming_the_right_fingerprint_and_recover_writes_nothing()
    {
        var (backup, kit, _) = await ExportWithSecretsAsync();
        var fingerprint = Core.Vault.RecoveryKit.Parse(await File.ReadAllTextAsync(kit), kit).Fingerprint;
        var output = Path.Combine(_elsewhere.WorkingDirectory, "config.json");

        var result = await _elsewhere.RunAsync("recover", backup, "--key-file", _elsewhere.WriteFile("wrong.hex", TestKeys.C), "-o", output);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(fingerprint, result.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_elsewhere.WorkingDirectory, "*config.json*"));
    }

    [Fact]
    public async Task A_damaged_or_truncated_backup_is_refused_and_recover_writes_nothing()
    {
        var (backup, kit, _) = await ExportWithSecretsAsync();
        var bytes = await File.ReadAllBytesAsync(backup);
        var header = Format.FileHeader.FixedLength + Format.FileHeader.SlotLength + Format.FileHeader.MacLength;
        var damaged = new Dictionary<string, byte[]>
        {
            ["flipped-header"] = Flip(bytes, 20),
            ["flipped-body"] = Flip(bytes, bytes.Length - 30),
            ["truncated"] = bytes[..(bytes.Length - 7)],
            ["no-body"] = bytes[..header],
        };

        foreach (var (name, content) in damaged)
        {
            var file = Path.Combine(_elsewhere.WorkingDirectory, name + ".enc");
            await File.WriteAllBytesAsync(file, content);
            var output = Path.Combine(_elsewhere.WorkingDirectory, name + ".json");

            var result = await _elsewhere.RunAsync("recover", file, "--kit", kit, "-o", output);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("error:", result.Err, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(_elsewhere.WorkingDirectory, $"*{name}.json*"));
        }
    }

    [Fact]
    public async Task Secrets_without_a_profile_are_refused_and_no_file_is_written()
    {
        await _server.OkAsync("init");
        var target = Path.Combine(_server.WorkingDirectory, "out");
        Directory.CreateDirectory(target);

        var result = await _server.RunAsync("export", "--include-secrets", "-o", target);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Encryption Profile", result.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public async Task An_export_without_secrets_holds_none_and_the_preview_says_what_would_be_stripped()
    {
        var (_, _, secrets) = await ExportWithSecretsAsync();
        var target = Path.Combine(_server.WorkingDirectory, "plain");
        Directory.CreateDirectory(target);

        var preview = await _server.OkAsync("export", "--preview", "--json");
        var exported = JsonNode.Parse((await _server.OkAsync("export", "--compression", "none", "-o", target, "--json")).Out)!;

        var adapters = JsonNode.Parse(preview.Out)!.AsArray().Single(a => a!["area"]!.GetValue<string>() == "adapters")!;
        Assert.Contains(adapters["secretFields"]!.AsArray(), f => f!["field"]!.GetValue<string>() == "config.password" && !f["included"]!.GetValue<bool>());
        var file = exported["file"]!.GetValue<string>();
        Assert.EndsWith(".json", file, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(file);
        BackupDocument.ParseValid(text);
        Assert.All(secrets.Values, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
    }

    private static IEnumerable<string> StringValues(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringValues(p.Value)),
        JsonArray a => a.SelectMany(StringValues),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x10;
        return copy;
    }
}
