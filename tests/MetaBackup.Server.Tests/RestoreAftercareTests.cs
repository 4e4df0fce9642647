using MetaBackup.Testing;
using System.Net;
using System.Net.Http.Headers;

namespace MetaBackup.Server.Tests;

/// <summary>
/// After a restore, over the API (docs/api.md, "Import sessions"): the secrets a backup without secrets left out are
/// listed and entered one by one, leaving the list as they are; and a safety snapshot rolls the whole configuration
/// back to how it was before the restore.
/// </summary>
public sealed class RestoreAftercareTests : IAsyncLifetime
{
    private RunningServer _first = null!;
    private RunningServer _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await RunningServer.StartAsync(TestKeys.A);
        _second = await RunningServer.StartAsync(TestKeys.B);
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Missing_secrets_are_listed_and_entered_and_a_snapshot_rolls_the_restore_back()
    {
        using var a = _first.Client();
        await a.SetUpAsync("first@example.com");
        ApiClient.Expect(HttpStatusCode.Created, await a.PostAsync("/api/v1/adapters", new { kind = "database", type = "postgres", name = "orders", config = new { host = "db.internal", database = "orders" }, secrets = new { password = "first-server-password" } }));
        var (status, backup, _) = await a.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { noEncryption = true, includeSecrets = false });
        Assert.Equal(HttpStatusCode.OK, status);

        using var b = _second.Client();
        await b.SetUpAsync("second@example.com");
        var before = _second.ConfigurationDump();
        var upload = new ByteArrayContent(backup);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var id = ApiClient.Expect(HttpStatusCode.Created, await b.SendAsync(HttpMethod.Post, "/api/v1/imports/upload?name=backup.json.gz", content: upload)).Json["id"]!.GetValue<string>();
        var digest = ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "merge" })).Json["plan"]!["digest"]!.GetValue<string>();
        var applied = ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = digest })).Json;

        var missing = ApiClient.Expect(HttpStatusCode.OK, await b.GetAsync($"/api/v1/imports/{id}/missing-secrets")).Json.AsArray();
        var password = missing.Single(m => m!["key"]!.GetValue<string>() == "database/orders");
        Assert.Equal("password", password!["label"]!.GetValue<string>());
        Assert.True(password["canBeEntered"]!.GetValue<bool>());

        // A secret the restore did not leave out is refused; the one it did is entered and leaves the list.
        var wrong = await b.PostAsync($"/api/v1/imports/{id}/missing-secrets", new { area = "adapters", recordId = password["id"]!.GetValue<string>(), field = "config.host", value = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/imports/{id}/missing-secrets", new { area = "adapters", recordId = password["id"]!.GetValue<string>(), field = password["field"]!.GetValue<string>(), value = "entered-after-restore" }));
        var after = ApiClient.Expect(HttpStatusCode.OK, await b.GetAsync($"/api/v1/imports/{id}/missing-secrets")).Json.AsArray();
        Assert.DoesNotContain(after, m => m!["key"]!.GetValue<string>() == "database/orders");
        Assert.True(ApiClient.Expect(HttpStatusCode.OK, await b.GetAsync($"/api/v1/adapters/{password["id"]!.GetValue<string>()}")).Json["secrets"]!["password"]!.GetValue<bool>());

        // Roll back to the snapshot the restore took: the configuration is as before the restore.
        var snapshot = Path.GetFileName(applied["result"]!["safetySnapshot"]!.GetValue<string>());
        ApiClient.Expect(HttpStatusCode.OK, await b.PostAsync($"/api/v1/snapshots/{snapshot}/rollback"));
        Assert.Equal(before, _second.ConfigurationDump());
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync("/api/v1/snapshots/pre-import_nothing.json.gz.enc/rollback")).Status);
    }
}
