using System.Net;
using System.Net.Http.Headers;

namespace MetaBackup.Server.Tests;

/// <summary>Issue 10's concurrency: a record changed since it was read is refused with 409, not overwritten; a stale import plan is refused with the reason.</summary>
public sealed class ConflictTests : IAsyncLifetime
{
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
    }

    [Fact]
    public async Task Two_updates_of_one_record_from_the_same_version_one_succeeds_and_the_other_gets_409()
    {
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/groups", new { name = "ops", description = "first" }));
        var read = ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync("/api/v1/groups/ops"));
        var etag = read.Headers.ETag!.ToString();

        var first = await _admin.PatchAsync("/api/v1/groups/ops", new { description = "from the first editor" }, etag);
        var second = await _admin.PatchAsync("/api/v1/groups/ops", new { description = "from the second editor" }, etag);

        ApiClient.Expect(HttpStatusCode.OK, first);
        Assert.NotEqual(etag, first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("conflict", second.Code);
        Assert.Equal("from the first editor", ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync("/api/v1/groups/ops")).Json["description"]!.GetValue<string>());

        // A removal from a version read before the change is refused too; from the current one it goes.
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.DeleteAsync("/api/v1/groups/ops", etag)).Status);
        ApiClient.Expect(HttpStatusCode.NoContent, await _admin.DeleteAsync("/api/v1/groups/ops", first.Headers.ETag!.ToString()));
    }

    [Fact]
    public async Task Updates_racing_from_the_same_version_change_the_record_once()
    {
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/credentials", new { name = "db" }));
        var etag = ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync("/api/v1/credentials/db")).Headers.ETag!.ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _admin.PatchAsync("/api/v1/credentials/db", new { description = $"editor {i}" }, etag)));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
    }

    [Fact]
    public async Task An_import_plan_that_went_stale_is_refused_with_the_reason_and_changes_nothing()
    {
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/groups", new { name = "in-the-backup" }));
        var download = await _admin.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { });
        Assert.Equal(HttpStatusCode.OK, download.Status);
        var upload = new ByteArrayContent(download.Bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var id = ApiClient.Expect(HttpStatusCode.Created, await _admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: upload)).Json["id"]!.GetValue<string>();
        var plan = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "full" })).Json["plan"]!;

        // Someone changes the configuration after the plan was shown.
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/groups", new { name = "added-since" }));
        var before = _server.ConfigurationDump();
        var stale = await _admin.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = plan["digest"]!.GetValue<string>() });

        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("conflict", stale.Code);
        Assert.Contains("plan", stale.Json["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, _server.ConfigurationDump());

        // Planned again, the new plan deletes the newcomer, and applies.
        var again = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "full" })).Json["plan"]!;
        Assert.Contains(again["entries"]!.AsArray(), e => e!["key"]!.GetValue<string>() == "added-since" && e["action"]!.GetValue<string>() == "delete");
        Assert.True(ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = again["digest"]!.GetValue<string>() })).Json["result"]!["applied"]!.GetValue<bool>());
    }
}
