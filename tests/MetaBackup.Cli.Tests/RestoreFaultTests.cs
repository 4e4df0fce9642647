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
}
