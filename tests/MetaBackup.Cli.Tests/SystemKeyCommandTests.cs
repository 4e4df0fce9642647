using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

public sealed class SystemKeyCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Starting_with_a_different_system_key_names_both_fingerprints_exits_1_and_changes_nothing()
    {
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await _cli.OkAsync("init");
        _cli.Environment["PW"] = "pw-of-the-database";
        await _cli.OkAsync("credentials", "add", "--name", "db", "--secret", "password=env:PW");
        var before = _cli.DatabaseFiles();

        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.B;
        foreach (var command in new[] { new[] { "credentials", "list" }, ["credentials", "add", "--name", "other"], ["init"] })
        {
            var result = await _cli.RunAsync(command);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(TestKeys.FingerprintOf(TestKeys.A), result.Err, StringComparison.Ordinal);
            Assert.Contains(TestKeys.FingerprintOf(TestKeys.B), result.Err, StringComparison.Ordinal);
            Assert.Empty(result.Out);
        }

        var after = _cli.DatabaseFiles();
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before, file => Assert.Equal(file.Value, after[file.Key]));
    }

    [Fact]
    public async Task A_malformed_ENCRYPTION_KEY_is_refused_without_echoing_it()
    {
        _cli.Environment["ENCRYPTION_KEY"] = "not-hex-at-all-0123";

        var result = await _cli.RunAsync("init");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ENCRYPTION_KEY", result.Err, StringComparison.Ordinal);
        Assert.Contains("64 hexadecimal characters", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not-hex-at-all", result.All, StringComparison.Ordinal);
        Assert.False(_cli.DatabaseExists());
    }

    [Fact]
    public async Task Rotating_a_data_directory_key_replaces_the_key_file_and_keeps_every_secret_readable()
    {
        await _cli.OkAsync("init");
        _cli.Environment["PW"] = "pw-of-the-database";
        await _cli.OkAsync("credentials", "add", "--name", "db", "--secret", "password=env:PW");
        var keyPath = Path.Combine(_cli.DataDirectory, "system.key");
        var oldKey = await File.ReadAllTextAsync(keyPath);

        var rotated = await _cli.OkAsync("--json", "system-key", "rotate");

        var result = JsonNode.Parse(rotated.Out)!;
        Assert.Equal(1, result["secretsReencrypted"]!.GetValue<int>());
        Assert.True(result["keyFileUpdated"]!.GetValue<bool>());
        Assert.NotEqual(oldKey, await File.ReadAllTextAsync(keyPath));
        Assert.Equal(result["newFingerprint"]!.GetValue<string>(), JsonNode.Parse((await _cli.OkAsync("system-key", "show", "--json")).Out)!["fingerprint"]!.GetValue<string>());
        Assert.Contains("\"password\": true", (await _cli.OkAsync("credentials", "show", "db", "--json")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_an_environment_key_needs_the_new_key_in_a_file_and_then_only_the_new_key_opens_the_store()
    {
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await _cli.OkAsync("init");
        _cli.Environment["PW"] = "pw-of-the-database";
        await _cli.OkAsync("credentials", "add", "--name", "db", "--secret", "password=env:PW");

        var withoutFile = await _cli.RunAsync("system-key", "rotate");
        Assert.Equal(2, withoutFile.ExitCode);
        Assert.Contains("--new-key-file", withoutFile.Err, StringComparison.Ordinal);

        var rotated = await _cli.OkAsync("system-key", "rotate", "--new-key-file", _cli.WriteFile("new.key", TestKeys.C));
        Assert.Contains("ENCRYPTION_KEY", rotated.Err, StringComparison.Ordinal);

        Assert.Equal(1, (await _cli.RunAsync("credentials", "list")).ExitCode);
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.C;
        await _cli.OkAsync("credentials", "show", "db");
    }

    /// <summary>
    /// Issue 8.1 end to end: `system-key rotate` while `serve` answers /health (every request opens the
    /// store) and another process runs `system-key show` in a loop. Every one of those succeeds, the
    /// rotation succeeds, every secret reads back the same under the new key, and the old key is refused.
    /// </summary>
    [Fact]
    public async Task Rotating_while_serve_answers_health_and_another_process_reads_the_key_keeps_every_secret()
    {
        await _cli.OkAsync("init");
        string before;
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            for (var i = 0; i < 5000; i++)
            {
                session.Db.CredentialProfiles.Add(new Core.Credentials.CredentialProfile { Name = $"bulk-{i}", Password = session.Secrets.Seal(new Core.Secrets.SecretText($"bulk-secret-{i}")) });
            }

            await session.Db.SaveChangesAsync();
            before = await ConfigurationText.OfAsync(session);
        }

        var keyPath = Path.Combine(_cli.DataDirectory, "system.key");
        var oldKey = (await File.ReadAllTextAsync(keyPath)).Trim();
        await using var server = ServeProcess.Start(_cli);
        await server.WaitUntilListeningAsync();
        using var http = server.Client();
        using var stop = new CancellationTokenSource();
        var health = Task.Run(async () =>
        {
            var codes = new List<System.Net.HttpStatusCode>();
            while (!stop.IsCancellationRequested)
            {
                codes.Add((await http.GetAsync("/health")).StatusCode);
            }

            return codes;
        });
        var shows = Task.Run(async () =>
        {
            var results = new List<CliResult>();
            while (!stop.IsCancellationRequested)
            {
                results.Add(await CliProcess.RunAsync(_cli, "system-key", "show"));
            }

            return results;
        });

        await Task.Delay(1500);
        var rotated = JsonNode.Parse((await _cli.OkAsync("--json", "system-key", "rotate")).Out)!;
        await stop.CancelAsync();

        Assert.All(await health, code => Assert.Equal(System.Net.HttpStatusCode.OK, code));
        Assert.All(await shows, show => Assert.True(show.ExitCode == 0, show.ToString()));
        var newFingerprint = rotated["newFingerprint"]!.GetValue<string>();
        Assert.Equal(newFingerprint, Core.Secrets.AesKey.FromHex(await File.ReadAllTextAsync(keyPath), "key").Fingerprint);
        Assert.False(File.Exists(keyPath + ".next"));
        await using (var session = await _cli.OpenStoreAsync())
        {
            Assert.Equal(before, await ConfigurationText.OfAsync(session));
        }

        _cli.Environment["ENCRYPTION_KEY"] = oldKey;
        var refused = await _cli.RunAsync("system-key", "show");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(newFingerprint, refused.Err, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 9.13: safety snapshots are sealed under the system key, and a rotation left them unopenable —
    /// the rollback of every earlier import lost. Now they are re-wrapped, and the operator is told to save the new key.
    /// </summary>
    [Fact]
    public async Task After_a_rotation_an_earlier_safety_snapshot_still_rolls_back_and_the_new_key_must_be_saved()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("groups", "add", "--name", "before");
        var backup = Path.Combine(_cli.WorkingDirectory, "empty.json");
        await _cli.OkAsync("export", "--no-encryption", "--compression", "none", "-o", backup);
        await _cli.OkAsync("groups", "add", "--name", "after");
        var imported = JsonNode.Parse((await _cli.OkAsync("import", backup, "--mode", "full", "--json")).Out)!;
        var snapshot = imported["safetySnapshot"]!.GetValue<string>();
        var oldKey = (await File.ReadAllTextAsync(Path.Combine(_cli.DataDirectory, "system.key"))).Trim();

        var rotated = await _cli.OkAsync("--json", "system-key", "rotate");

        var result = JsonNode.Parse(rotated.Out)!;
        Assert.Equal(1, result["snapshotsRewrapped"]!.GetValue<int>());
        Assert.Contains("SAVE THE NEW SYSTEM KEY NOW", rotated.Err, StringComparison.Ordinal);
        await using (var file = File.OpenRead(snapshot))
        {
            Assert.Equal([result["newFingerprint"]!.GetValue<string>()], Format.EncryptedBackup.ReadHeader(file).Fingerprints);
        }

        Assert.NotEqual(TestKeys.FingerprintOf(oldKey), result["newFingerprint"]!.GetValue<string>());
        await _cli.OkAsync("import", snapshot, "--mode", "full");
        await _cli.OkAsync("groups", "show", "after");
    }

    [Fact]
    public async Task Snapshots_are_listed_pruned_on_request_and_kept_to_twenty_by_imports()
    {
        await _cli.OkAsync("init");
        var snapshots = Path.Combine(_cli.DataDirectory, "snapshots");
        Directory.CreateDirectory(snapshots);
        for (var i = 0; i < 25; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(snapshots, $"pre-import_2020-01-01T00-00-{i:D2}-000Z.json.gz.enc"), "an old snapshot");
        }

        var backup = Path.Combine(_cli.WorkingDirectory, "empty.json");
        await _cli.OkAsync("export", "--no-encryption", "--compression", "none", "-o", backup);
        var newest = JsonNode.Parse((await _cli.OkAsync("import", backup, "--mode", "merge", "--json")).Out)!["safetySnapshot"]!.GetValue<string>();

        var listed = JsonNode.Parse((await _cli.OkAsync("snapshots", "list", "--json")).Out)!.AsArray();
        Assert.Equal(20, listed.Count);
        Assert.Equal(Path.GetFileName(newest), listed[0]!["name"]!.GetValue<string>());

        await _cli.OkAsync("snapshots", "prune", "--keep", "1");
        Assert.Equal([Path.GetFileName(newest)], Directory.GetFiles(snapshots).Select(Path.GetFileName));
    }
}
