using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MetaBackup.Cli;
using MetaBackup.Core.Vault;
using MetaBackup.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Issue 10's one layer: the CLI and the API are front ends over the same operations, so the same export through each
/// gives the same document, and the same backup imported through each gives the same configuration.
/// </summary>
public sealed class OneLayerTests : IAsyncLifetime
{
    private readonly TempDirectory _work = new();
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
        _work.Dispose();
    }

    /// <summary>
    /// What differs between the front ends is declared where each composes its services: a server answers other requests
    /// while it imports, so its imports never take the database to themselves (docs/database.md, "Loading in bulk"); the
    /// CLI's do (<c>InterruptionTests</c> finds the rollback journal of one it kills).
    /// </summary>
    [Fact]
    public void A_server_never_takes_the_database_to_itself_for_an_import() =>
        Assert.False(_a.Services.GetRequiredService<Core.Application.ApplicationServices>().RunsAlone);

    [Fact]
    public async Task The_same_export_and_import_through_the_CLI_and_through_the_API_give_the_same_result()
    {
        using var api = _a.Client();
        await api.SetUpAsync();
        var kit = ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/profiles", new { name = "offsite" })).Json["recoveryKit"]!["text"]!.GetValue<string>();
        var kitFile = _work.Combine("offsite.kit");
        await File.WriteAllTextAsync(kitFile, kit);
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/groups", new { name = "operators", permissions = new[] { "config.export" } }));
        ApiClient.Expect(HttpStatusCode.Created, await api.PostAsync("/api/v1/credentials", new { name = "db", username = "backup", secrets = new { password = "the database password" } }));

        // Export: through the CLI (on the server's own data directory, while it runs) and through the API.
        var cliFile = _work.Combine("from-cli.json.gz.enc");
        await CliAsync(_a.DataDirectory.Root, _a.Environment, "export", "--profile", "offsite", "--include-secrets", "-o", cliFile);
        var download = await api.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { profile = "offsite", includeSecrets = true });
        Assert.Equal(HttpStatusCode.OK, download.Status);
        var apiFile = _work.Combine("from-api.json.gz.enc");
        await File.WriteAllBytesAsync(apiFile, download.Bytes);
        var key = RecoveryKit.Parse(kit, "kit").Key.Bytes.ToArray();
        Assert.Equal(Document(cliFile, key), Document(apiFile, key));

        // Import: the API's file through the CLI into a new data directory; the CLI's file through the API into server B.
        var cliData = _work.Combine("cli-data");
        var cliEnvironment = new Dictionary<string, string?> { ["ENCRYPTION_KEY"] = TestKeys.C };
        TestDatabase.Provide(cliEnvironment);
        await CliAsync(cliData, cliEnvironment, "init");
        await CliAsync(cliData, cliEnvironment, "import", apiFile, "--mode", "full", "--kit", kitFile);
        using var other = _b.Client();
        await other.SetUpAsync("someone-else@example.com");
        var upload = new ByteArrayContent(await File.ReadAllBytesAsync(cliFile));
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var id = ApiClient.Expect(HttpStatusCode.Created, await other.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: upload)).Json["id"]!.GetValue<string>();
        ApiClient.Expect(HttpStatusCode.OK, await other.PostAsync($"/api/v1/imports/{id}/key", new { kit }));
        var digest = ApiClient.Expect(HttpStatusCode.OK, await other.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "full" })).Json["plan"]!["digest"]!.GetValue<string>();
        ApiClient.Expect(HttpStatusCode.OK, await other.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = digest }));

        await using var viaApi = await _b.OpenStoreAsync();
        var cliDirectory = new Core.Configuration.DataDirectory(cliData);
        string cliText;
        await using (var session = await new Core.Persistence.ConfigurationStore(
                         cliDirectory,
                         Data.DatabaseProviders.For(cliDirectory, cliEnvironment.GetValueOrDefault),
                         cliEnvironment.GetValueOrDefault,
                         Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).OpenAsync())
        {
            cliText = await ConfigurationText.OfAsync(session);
        }

        Assert.Equal(cliText, await ConfigurationText.OfAsync(viaApi));
        await using var original = await _a.OpenStoreAsync();
        Assert.Equal(await ConfigurationText.OfAsync(original), cliText);
    }

    /// <summary>The document of a backup without what differs between two exports of one configuration: when, and by what.</summary>
    private static string Document(string path, byte[] key)
    {
        var document = JsonNode.Parse(BackupDocument.ReadText(path, key))!.AsObject();
        document.Remove("metadata");
        return document.ToJsonString();
    }

    private async Task CliAsync(string dataDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(new StringReader(""), output, error, name => name == "USER" ? "operator" : environment.GetValueOrDefault(name), _work.Path);
        var code = await CliApp.RunAsync(["--data-dir", dataDirectory, .. args], host);
        Assert.True(code == 0, $"metabackup {string.Join(' ', args)}: exit {code}\n{output}\n{error}");
    }
}
