using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>Issue 10: `serve` is how MetaBackup runs — it initialises an empty data directory, says where it listens, reports health, and stops cleanly.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Serve_on_an_empty_data_directory_initialises_it_with_the_key_warning_says_where_it_listens_answers_health_and_stops_cleanly_on_SIGTERM()
    {
        Assert.False(Directory.Exists(_cli.DataDirectory));
        var port = Repository.FreePort();
        // The runner's database, no system key (serve generates one), and the address to listen on.
        var environment = new Dictionary<string, string?>(_cli.Environment) { ["ENCRYPTION_KEY"] = null, ["ENCRYPTION_KEY_FILE"] = null, [Server.ServerSettings.UrlsVariable] = $"http://127.0.0.1:{port}" };
        using var server = CliProcess.Start(_cli.DataDirectory, environment, _cli.WorkingDirectory, "serve");
        server.StandardInput.Close();
        var output = ProcessOutput.Collect(server);

        await Repository.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var health = await http.GetAsync("/health");
        CliProcess.Signal(server, "TERM");
        await server.WaitForExitAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
        Assert.Equal("ok", report["status"]!.GetValue<string>());
        Assert.Equal("off", report["configBackup"]!["status"]!.GetValue<string>());
        Assert.Equal(0, server.ExitCode);
        var printed = output.Text;
        Assert.Contains($"MetaBackup is listening on http://127.0.0.1:{port}", printed, StringComparison.Ordinal);
        Assert.Contains("a new system key was generated", printed, StringComparison.Ordinal);
        Assert.Contains("KEEP A COPY OF THIS FILE", printed, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_cli.DataDirectory, "system.key")));
        Assert.True(_cli.DatabaseExists());
        Assert.Contains("Serving", File.ReadAllText(Directory.GetFiles(Path.Combine(_cli.DataDirectory, "logs")).Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_last_backup_shows_in_health_without_making_the_server_unhealthy()
    {
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await _cli.OkAsync("init");
        var destination = Path.Combine(_cli.WorkingDirectory, "not-a-directory");
        await File.WriteAllTextAsync(destination, "a file where the destination directory should be");
        await _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={destination}");
        await _cli.OkAsync("settings", "set", "config.backup.storageId", "disk");
        await _cli.OkAsync("settings", "set", "config.backup.enabled", "true");
        Assert.Equal(1, (await _cli.RunAsync("tasks", "config-backup", "run")).ExitCode);

        await using var server = ServeProcess.Start(_cli);
        await server.WaitUntilListeningAsync();
        using var http = server.Client();
        var response = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("ok", report["status"]!.GetValue<string>());
        Assert.Equal("failing", report["configBackup"]!["status"]!.GetValue<string>());
        Assert.Equal("failed", report["configBackup"]!["lastRun"]!["status"]!.GetValue<string>());
        Assert.Contains("disk", report["configBackup"]!["lastRun"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_the_wrong_system_key_does_not_start_and_says_why()
    {
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await _cli.OkAsync("init");
        _cli.Environment["ENCRYPTION_KEY"] = TestKeys.B;

        var result = await CliProcess.RunAsync(_cli, "serve", "--urls", $"http://127.0.0.1:{Repository.FreePort()}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Wrong system key", result.Err, StringComparison.Ordinal);
    }
}
