using System.Net;
using MetaBackup.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>Adapters over HTTP: config from the type's declaration, secrets only as set, the connection test's result or its reason.</summary>
public sealed class AdapterEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _work = new();
    private RunningServer _server = null!;
    private ApiClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        _admin = _server.Client();
        await _admin.SetUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task A_working_destination_passes_its_connection_test_and_a_broken_one_fails_with_the_reason()
    {
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/adapters", new { kind = "storage", type = "local", name = "disk", config = new { path = _work.Combine("backups") } }));
        var broken = _work.Combine("a-file");
        await File.WriteAllTextAsync(broken, "not a directory");
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/adapters", new { kind = "storage", type = "local", name = "broken", config = new { path = broken } }));

        var passed = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync("/api/v1/adapters/disk/test")).Json;
        var failed = await _admin.PostAsync("/api/v1/adapters/broken/test");

        Assert.Equal("storage/disk", passed["adapter"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(passed["checked"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Contains("broken", failed.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_adapters_secret_is_shown_only_as_set_an_update_without_it_keeps_it_and_the_type_declares_what_is_secret()
    {
        var created = ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/adapters", new { kind = "database", type = "postgres", name = "prod", config = new { host = "db.internal", database = "app", port = 5432 }, secrets = new { password = "the-password-0451" } }));
        Assert.True(created.Json["secrets"]!["password"]!.GetValue<bool>());
        Assert.Equal(5432, created.Json["config"]!["port"]!.GetValue<int>());

        var updated = ApiClient.Expect(HttpStatusCode.OK, await _admin.PatchAsync("/api/v1/adapters/prod", new { config = new { host = "db2.internal" } }, created.Headers.ETag!.ToString())).Json;
        Assert.Equal("db2.internal", updated["config"]!["host"]!.GetValue<string>());
        Assert.True(updated["secrets"]!["password"]!.GetValue<bool>());
        Assert.DoesNotContain("the-password-0451", _admin.Log.Entries.Select(e => e.Body).Aggregate((a, b) => a + b), StringComparison.Ordinal);

        var types = ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync("/api/v1/adapter-types")).Json.AsArray();
        var postgres = types.Single(t => t!["type"]!["name"]!.GetValue<string>() == "postgres")!;
        Assert.Contains(postgres["type"]!["keys"]!.AsArray(), k => k!["name"]!.GetValue<string>() == "password" && k["secret"]!.GetValue<bool>());
    }
}
