using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>Acceptance of the import issue through the CLI: the drills, exit codes, and a process killed mid-import.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly CliRunner _a = new();
    private readonly CliRunner _b = new();

    public ImportCommandTests()
    {
        _a.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        _b.Environment["ENCRYPTION_KEY"] = TestKeys.B;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private async Task<(string Backup, string Kit)> ExportFromAAsync(bool includeSecrets = true)
    {
        await _a.OkAsync("init");
        await using (var session = await _a.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var kit = Path.Combine(_a.WorkingDirectory, "offsite.kit");
        await _a.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        string[] args = includeSecrets ? ["export", "--include-secrets", "--profile", "offsite"] : ["export", "--profile", "offsite"];
        var exported = await _a.OkAsync([.. args, "-o", _a.WorkingDirectory, "--json"]);
        return (JsonNode.Parse(exported.Out)!["file"]!.GetValue<string>(), kit);
    }

    [Fact]
    public async Task A_rebuilt_server_imports_with_the_kit_and_ends_with_the_same_configuration()
    {
        var (backup, kit) = await ExportFromAAsync();
        await _b.OkAsync("init");

        var dryRun = await _b.OkAsync("import", backup, "--kit", kit, "--mode", "full", "--dry-run", "--json");
        var applied = await _b.OkAsync("import", backup, "--kit", kit, "--mode", "full", "--json");

        Assert.False(JsonNode.Parse(dryRun.Out)!["applied"]!.GetValue<bool>());
        var result = JsonNode.Parse(applied.Out)!;
        Assert.True(result["applied"]!.GetValue<bool>());
        Assert.True(File.Exists(result["safetySnapshot"]!.GetValue<string>()));
        Assert.Equal(JsonNode.Parse(dryRun.Out)!["plan"]!.ToJsonString(), result["plan"]!.ToJsonString());
        await using var a = await _a.OpenStoreAsync();
        await using var b = await _b.OpenStoreAsync();
        Assert.Equal(await ConfigurationText.OfAsync(a), await ConfigurationText.OfAsync(b));
    }

    [Fact]
    public async Task A_dry_run_prints_the_plan_record_by_record_and_the_applied_import_only_what_it_did_per_area_and_action()
    {
        var (backup, kit) = await ExportFromAAsync();
        await _b.OkAsync("init");
        var recordLine = new System.Text.RegularExpressions.Regex(@"^jobs +create +nightly\b", System.Text.RegularExpressions.RegexOptions.Multiline);

        var dryRun = await _b.OkAsync("import", backup, "--kit", kit, "--mode", "full", "--dry-run");
        var applied = await _b.OkAsync("import", backup, "--kit", kit, "--mode", "full");

        Assert.Matches(recordLine, dryRun.Out);
        Assert.DoesNotMatch(recordLine, applied.Out);
        Assert.Contains("counts.jobs.create: 1", applied.Out, StringComparison.Ordinal);
        Assert.Contains("Applied. To roll back", applied.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_key_the_import_is_refused_with_exit_3_naming_the_fingerprint_and_how_to_supply_it()
    {
        var (backup, kit) = await ExportFromAAsync();
        await _b.OkAsync("init");
        var fingerprint = Core.Vault.RecoveryKit.Parse(await File.ReadAllTextAsync(kit), kit).Fingerprint;

        var result = await _b.RunAsync("import", backup, "--mode", "merge");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(fingerprint, result.Err, StringComparison.Ordinal);
        Assert.Contains("--kit", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_truncated_wrong_key_future_schema_and_hostile_files_are_refused_with_exit_3_and_change_no_byte()
    {
        var (backup, kit) = await ExportFromAAsync();
        await _b.OkAsync("init");
        await _b.OkAsync("groups", "add", "--name", "already-here");
        var bytes = await File.ReadAllBytesAsync(backup);
        var plain = Path.Combine(_b.WorkingDirectory, "plain.json");
        await _a.OkAsync("recover", backup, "--kit", kit, "-o", plain);
        var future = JsonNode.Parse(await File.ReadAllTextAsync(plain))!;
        future["metadata"]!["schemaVersion"] = 99;
        var cases = new Dictionary<string, (byte[] Content, string[] Extra)>
        {
            ["tampered.enc"] = (Flip(bytes, bytes.Length / 2), ["--kit", kit]),
            ["truncated.enc"] = (bytes[..(bytes.Length - 100)], ["--kit", kit]),
            ["wrong-key.enc"] = (bytes, ["--key-file", _b.WriteFile("wrong.hex", TestKeys.C)]),
            ["future.json"] = (System.Text.Encoding.UTF8.GetBytes(future.ToJsonString()), []),

            // Hostile documents (issue 12): read neither way, not text, not brotli, out of every range.
            ["duplicate-key.json"] = (System.Text.Encoding.UTF8.GetBytes(JsonNode.Parse(await File.ReadAllTextAsync(plain))!.ToJsonString().Replace("\"schemaVersion\":1", "\"schemaVersion\":1,\"schemaVersion\":99", StringComparison.Ordinal)), []),
            ["invalid-utf8.json"] = ([.. System.Text.Encoding.UTF8.GetBytes("{\"metadata\":{\"format\":\"metabackup"), 0xFF, .. System.Text.Encoding.UTF8.GetBytes("\"}}")], []),
            ["random.json.br"] = (System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096) is var random && (random[0] = 0x42) == 0x42 ? random : random, []),
            ["huge-number.json"] = (System.Text.Encoding.UTF8.GetBytes("{\"metadata\":{\"schemaVersion\":1e400}}"), []),
        };
        var before = _b.DatabaseFiles();
        var dumpBefore = _b.Dump();

        foreach (var (name, (content, extra)) in cases)
        {
            var path = Path.Combine(_b.WorkingDirectory, name);
            await File.WriteAllBytesAsync(path, content);
            foreach (var command in new[] { new[] { "import", path, "--mode", "full" }, ["validate", path] })
            {
                var result = await _b.RunAsync([.. command, .. extra]);

                Assert.True(result.ExitCode == 3, $"{name}, {command[0]}: {result}");
                Assert.Contains("error:", result.Err, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", result.All, StringComparison.Ordinal);
            }
        }

        var after = _b.DatabaseFiles();
        Assert.Equal(dumpBefore, _b.Dump());
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before, file => Assert.True(file.Value.AsSpan().SequenceEqual(after[file.Key]), $"{file.Key} changed"));
        Assert.False(Directory.Exists(Path.Combine(_b.DataDirectory, "snapshots")));
    }

    [Fact]
    public async Task Validate_reports_what_it_found_and_changes_nothing()
    {
        var (backup, kit) = await ExportFromAAsync(includeSecrets: false);
        await _b.OkAsync("init");
        var before = _b.Dump();

        var result = await _b.OkAsync("validate", backup, "--kit", kit, "--json");

        var report = JsonNode.Parse(result.Out)!;
        Assert.True(report["valid"]!.GetValue<bool>());
        Assert.False(report["includeSecrets"]!.GetValue<bool>());
        Assert.NotEmpty(report["needsSecret"]!.AsArray());
        Assert.Equal(before, _b.Dump());
    }

    [Fact]
    public async Task A_backup_without_secrets_on_a_fresh_server_lists_what_needs_a_secret_and_leaves_profiles_locked()
    {
        var (backup, kit) = await ExportFromAAsync(includeSecrets: false);
        await _b.OkAsync("init");

        var result = JsonNode.Parse((await _b.OkAsync("import", backup, "--kit", kit, "--mode", "merge", "--json")).Out)!;

        var needs = result["needsSecret"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains(needs, n => n.StartsWith("encryptionProfiles", StringComparison.Ordinal) && n.EndsWith(": key", StringComparison.Ordinal));
        Assert.Contains(needs, n => n.StartsWith("ssoProviders", StringComparison.Ordinal) && n.EndsWith(": clientSecret", StringComparison.Ordinal));
        Assert.Contains("true", (await _b.OkAsync("profiles", "list")).Out, StringComparison.Ordinal);
        var job = JsonNode.Parse((await _b.OkAsync("jobs", "show", "nightly", "--json")).Out)!;
        var profile = JsonNode.Parse((await _b.OkAsync("profiles", "show", "offsite", "--json")).Out)!;
        Assert.Equal(profile["id"]!.GetValue<string>(), job["encryptionProfileId"]!.GetValue<string>());
        Assert.True(profile["locked"]!.GetValue<bool>());
    }

    /// <summary>
    /// The real CLI in its own process, killed with SIGKILL while it applies a large import: afterwards the
    /// database holds exactly the configuration it held before (SQLite rolls the open transaction back).
    /// </summary>
    [Fact]
    public async Task An_import_killed_while_applying_leaves_the_configuration_as_it_was()
    {
        await _a.OkAsync("init");
        await using (var session = await _a.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            for (var i = 0; i < 40; i++)
            {
                for (var j = 0; j < 250; j++)
                {
                    session.Db.Groups.Add(new Core.Groups.Group { Name = $"bulk-{i}-{j}", Permissions = ["jobs.read"] });
                }

                await session.Db.SaveChangesAsync();
            }
        }

        var kit = Path.Combine(_a.WorkingDirectory, "offsite.kit");
        await _a.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        var backup = JsonNode.Parse((await _a.OkAsync("export", "--include-secrets", "--profile", "offsite", "-o", _a.WorkingDirectory, "--json")).Out)!["file"]!.GetValue<string>();
        await _b.OkAsync("init");
        await _b.OkAsync("groups", "add", "--name", "before-the-import");
        var before = _b.Dump();

        var (killedWhileApplying, stderr) = await RunAndKillWhenApplyingAsync(["import", backup, "--kit", kit, "--mode", "full"]);

        Assert.True(killedWhileApplying, $"the import was not caught while applying:\n{stderr}");
        Assert.Equal(before, _b.Dump());
        await _b.OkAsync("groups", "show", "before-the-import");
    }

    private async Task<(bool KilledWhileApplying, string Stderr)> RunAndKillWhenApplyingAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(CliApp).Assembly.Location, "--data-dir", _b.DataDirectory, .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = _b.WorkingDirectory,
        };
        foreach (var (name, value) in _b.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line == "import: applying")
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        var rest = await process.StandardError.ReadToEndAsync(timeout.Token);
        var text = seen + rest;
        return (text.Contains("import: applying", StringComparison.Ordinal) && !text.Contains("import: committed", StringComparison.Ordinal), text);
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x04;
        return copy;
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("import")]
    public async Task A_backup_file_that_does_not_exist_is_a_failure_not_a_refusal(string command)
    {
        await _b.OkAsync("init");
        var missing = Path.Combine(_b.WorkingDirectory, "config_backup_missing.json.gz.enc");

        var result = await _b.RunAsync(command == "import" ? [command, missing, "--mode", "merge"] : [command, missing]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"'{missing}' does not exist", result.Err, StringComparison.Ordinal);
        Assert.Contains("backups list", result.Err, StringComparison.Ordinal);
    }
}
