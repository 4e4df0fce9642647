using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>Destinations and the Configuration Backup task through the CLI, and `serve` as a real process.</summary>
public sealed class StorageCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public StorageCommandTests() => _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;

    public void Dispose() => _cli.Dispose();

    private string Destination => Path.Combine(_cli.WorkingDirectory, "backups");

    private async Task ConfigureAsync()
    {
        await _cli.OkAsync("init");
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        await _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={Destination}");
        await _cli.OkAsync("settings", "set", "config.backup.storageId", "disk");
        await _cli.OkAsync("settings", "set", "config.backup.encryptionProfileId", "offsite");
        await _cli.OkAsync("settings", "set", "config.backup.includeSecrets", "true");
    }

    [Fact]
    public async Task Export_to_a_destination_lists_there_and_imports_back_from_it()
    {
        await ConfigureAsync();

        var exported = JsonNode.Parse((await _cli.OkAsync("export", "--storage", "disk", "--include-secrets", "--profile", "offsite", "--json")).Out)!;
        var listed = JsonNode.Parse((await _cli.OkAsync("backups", "list", "--storage", "disk", "--json")).Out)!.AsArray();

        var entry = Assert.Single(listed)!;
        Assert.EndsWith(entry["file"]!.GetValue<string>(), exported["file"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(entry["encrypted"]!.GetValue<bool>());
        Assert.True(entry["includeSecrets"]!.GetValue<bool>());
        Assert.Matches("^[0-9a-f]{32}$", entry["fingerprint"]!.GetValue<string>());
        var plan = JsonNode.Parse((await _cli.OkAsync("import", "--storage", "disk", "--file", entry["file"]!.GetValue<string>(), "--mode", "merge", "--dry-run", "--json")).Out)!;
        Assert.All(plan["plan"]!.AsArray(), e => Assert.Equal("unchanged", e!["action"]!.GetValue<string>()));
        await _cli.OkAsync("adapters", "test", "disk");
    }

    [Fact]
    public async Task Run_now_writes_a_verified_backup_and_records_the_run()
    {
        await ConfigureAsync();

        var run = JsonNode.Parse((await _cli.OkAsync("tasks", "config-backup", "run", "--json")).Out)!;
        var runs = JsonNode.Parse((await _cli.OkAsync("tasks", "runs", "--json")).Out)!.AsArray();

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("manual", run["trigger"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(Destination, run["file"]!.GetValue<string>())));
        Assert.Equal(run["id"]!.GetValue<long>(), Assert.Single(runs)!["id"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("config.backup.includeSecrets", "true")]
    [InlineData("config.backup.storageId", "sample-postgres")]
    [InlineData("config.backup.schedule", "every night")]
    [InlineData("config.backup.retention", "0")]
    public async Task Invalid_task_settings_are_refused_with_exit_1(string key, string value)
    {
        await _cli.OkAsync("init");
        await using (var session = await _cli.OpenStoreAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var before = _cli.Dump();
        var result = await _cli.RunAsync("settings", "set", key, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(key, result.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cli.Dump());
    }

    /// <summary>
    /// `serve` in its own process: a scheduled time missed while it was down (the last scheduled run is
    /// hours old, the schedule hourly) runs once at start, producing a verified encrypted backup and a
    /// successful run record; /health reports it.
    /// </summary>
    [Fact]
    public async Task Serve_runs_the_missed_backup_at_start_and_reports_it_on_health()
    {
        await ConfigureAsync();
        await _cli.OkAsync("settings", "set", "config.backup.schedule", "0 * * * *");
        await _cli.OkAsync("settings", "set", "config.backup.enabled", "true");
        await using (var session = await _cli.OpenStoreAsync())
        {
            session.Db.TaskRuns.Add(new Core.Scheduling.TaskRun { Task = "config-backup", Trigger = Core.Scheduling.RunTrigger.Scheduled, StartedAt = DateTimeOffset.UtcNow.AddHours(-3), Status = Core.Scheduling.RunStatus.Succeeded });
            await session.Db.SaveChangesAsync();
        }

        await using var server = ServeProcess.Start(_cli);
        await server.WaitUntilListeningAsync();
        using var http = server.Client();
        JsonNode? health = null;
        static bool Finished(JsonNode? h) =>
            h?["configBackup"]?["lastRun"] is { } run && run["trigger"]!.GetValue<string>() == "catchup" && run["status"]!.GetValue<string>() != "running";
        for (var i = 0; i < 150 && !Finished(health); i++)
        {
            await Task.Delay(200);
            health = await http.GetFromJsonAsync<JsonNode>("/health");
        }

        Assert.Equal("ok", health!["status"]!.GetValue<string>());
        var lastRun = health["configBackup"]!["lastRun"]!;
        Assert.Equal("catchup", lastRun["trigger"]!.GetValue<string>());
        Assert.Equal("succeeded", lastRun["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(Destination, lastRun["file"]!.GetValue<string>())));
        Assert.NotNull(health["configBackup"]!["nextRun"]);
    }

    /// <summary>`serve` with a schedule due every minute, on the real clock: within about a minute it writes a verified, encrypted backup and records a successful scheduled run.</summary>
    [Fact]
    public async Task Serve_writes_a_scheduled_backup_when_the_schedule_comes_due()
    {
        await ConfigureAsync();
        await _cli.OkAsync("settings", "set", "config.backup.schedule", "* * * * *");
        await _cli.OkAsync("settings", "set", "config.backup.enabled", "true");
        await using var server = ServeProcess.Start(_cli);
        JsonNode? run = null;
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (DateTime.UtcNow < deadline && run?["status"]?.GetValue<string>() is null or "queued" or "running")
        {
            await Task.Delay(1000);
            run = JsonNode.Parse((await _cli.OkAsync("tasks", "runs", "--json")).Out)!.AsArray().FirstOrDefault(r => r!["trigger"]!.GetValue<string>() == "scheduled");
        }

        Assert.NotNull(run);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        var file = Path.Combine(Destination, run["file"]!.GetValue<string>());
        Assert.EndsWith(".json.gz.enc", file, StringComparison.Ordinal);
        var kit = Path.Combine(_cli.WorkingDirectory, "offsite.kit");
        await _cli.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        await _cli.OkAsync("recover", file, "--kit", kit, "-o", Path.Combine(_cli.WorkingDirectory, "recovered.json"));
    }

    /// <summary>
    /// A stored setting that does not hold on this machine (here a time zone it lacks, as an import from
    /// elsewhere could leave): `serve` keeps running and can serve (/health 200), /health reports the
    /// configuration backups as failing with the reason, and the log says that scheduled backups are on hold.
    /// </summary>
    [Fact]
    public async Task Serve_keeps_running_and_reports_a_setting_that_does_not_hold_here()
    {
        await ConfigureAsync();
        await _cli.OkAsync("settings", "set", "config.backup.enabled", "true");
        await using (var session = await _cli.OpenStoreAsync())
        {
            session.Db.Settings.Single(s => s.Key == "system.timezone").Value = "Mars/Olympus";
            await session.Db.SaveChangesAsync();
        }

        await using var server = ServeProcess.Start(_cli);
        await server.WaitUntilListeningAsync();
        using var http = server.Client();
        var response = await http.GetAsync("/health");
        const string onHold = "on hold until this is fixed: system.timezone cannot be 'Mars/Olympus'";
        for (var i = 0; i < 100 && !_cli.LogText().Contains(onHold, StringComparison.Ordinal); i++)
        {
            await Task.Delay(200);
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var health = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal("failing", health["configBackup"]!["status"]!.GetValue<string>());
        Assert.Contains("system.timezone cannot be 'Mars/Olympus'", health["configBackup"]!["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(server.HasExited);
        Assert.Contains(onHold, _cli.LogText(), StringComparison.Ordinal);
    }

    /// <summary>Issue 9.8: long and remote work was silent. Each step shows on stderr, and --quiet or --json leave it out.</summary>
    [Fact]
    public async Task Long_work_reports_its_steps_on_stderr_unless_quiet_or_json()
    {
        await ConfigureAsync();

        var export = await _cli.OkAsync("export", "--storage", "disk", "--include-secrets", "--profile", "offsite");
        var run = await _cli.OkAsync("tasks", "config-backup", "run");
        var test = await _cli.OkAsync("adapters", "test", "disk");
        var file = Directory.GetFiles(Destination, "config_backup_*.enc").First();
        var validate = await _cli.OkAsync("validate", file);

        Assert.Contains("export: exporting to local destination 'disk'", export.Err, StringComparison.Ordinal);
        Assert.Contains("export: uploading config_backup_", export.Err, StringComparison.Ordinal);
        Assert.Contains("export: reading it back to verify it", export.Err, StringComparison.Ordinal);
        Assert.Contains("config-backup: exporting to destination disk", run.Err, StringComparison.Ordinal);
        Assert.Contains("config-backup: applying retention", run.Err, StringComparison.Ordinal);
        Assert.Contains("adapters test: connecting to local destination 'disk'", test.Err, StringComparison.Ordinal);
        Assert.Contains("validate: opening config_backup_", validate.Err, StringComparison.Ordinal);
        Assert.Contains("validate: checking the document (opened with encryption profile 'offsite')", validate.Err, StringComparison.Ordinal);

        foreach (var flag in new[] { "--quiet", "-q", "--json" })
        {
            var quiet = await _cli.OkAsync("export", "--storage", "disk", flag);
            Assert.DoesNotContain("export:", quiet.Err, StringComparison.Ordinal);
        }
    }
}
