using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MetaBackup.Core.Configuration;
using MetaBackup.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Issue 10's bad input: malformed JSON, a wrong content type, an upload over the limit, a wrong key in an import
/// session, an expired or revoked API key, a disabled user's cookie, a missing antiforgery token — each a clear
/// problem-details error, and the configuration exactly as before.
/// </summary>
public sealed class BadRequestTests : IAsyncLifetime
{
    private RunningServer _server = null!;
    private ApiClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RunningServer.StartAsync(configure: settings => settings with { MaxUploadBytes = 64 * 1024 });
        _admin = _server.Client();
        await _admin.SetUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"name\": ", "invalid-input")]
    [InlineData("[1, 2]", "invalid-input")]
    [InlineData("{\"name\": 42}", "invalid-input")]
    [InlineData("{\"permissions\": \"config.export\"}", "invalid-input")]
    [InlineData("{\"name\": \"ops\", \"permissions\": [\"no.such\"]}", "invalid-input")]
    public async Task A_body_that_is_not_the_JSON_a_route_expects_is_a_400_problem_and_changes_nothing(string body, string code)
    {
        var before = _server.ConfigurationDump();

        var response = await _admin.PostAsync("/api/v1/groups", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(code, response.Code);
        Assert.Equal("/problems/invalid-input", response.Json["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(response.Json["detail"]!.GetValue<string>()));
        Assert.Equal(before, _server.ConfigurationDump());
    }

    [Fact]
    public async Task A_secret_in_a_malformed_body_is_not_repeated_in_the_problem()
    {
        var response = await _admin.PostAsync("/api/v1/credentials", "{\"name\": \"db\", \"secrets\": {\"password\": 12345678901}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.DoesNotContain("12345678901", response.Body, StringComparison.Ordinal);
        Assert.Contains("$.secrets.password", response.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_415_problem()
    {
        var before = _server.ConfigurationDump();

        var response = await _admin.SendAsync(HttpMethod.Post, "/api/v1/groups", content: new StringContent("name=ops", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("invalid-input", response.Code);
        Assert.Equal(before, _server.ConfigurationDump());
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_a_413_problem_and_leaves_no_staged_file()
    {
        var content = new ByteArrayContent(new byte[200 * 1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var response = await _admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("too-large", response.Code);
        Assert.Contains("64", response.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_server.StagedFiles());
    }

    [Fact]
    public async Task An_upload_over_the_limit_without_a_declared_length_is_cut_off_with_a_413_too()
    {
        var content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = null;

        var chunked = new ChunkedContent(content);
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await _admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("too-large", response.Code);
        Assert.Empty(_server.StagedFiles());
    }

    [Fact]
    public async Task A_wrong_key_in_an_import_session_is_a_422_problem_and_the_session_still_waits_for_the_right_one()
    {
        var created = ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/profiles", new { name = "offsite" })).Json;
        var kit = created["recoveryKit"]!["text"]!.GetValue<string>();
        var download = await _admin.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { profile = "offsite", includeSecrets = true });
        Assert.Equal(HttpStatusCode.OK, download.Status);
        Assert.EndsWith(".json.gz.enc", download.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var backupBytes = download.Bytes;
        ApiClient.Expect(HttpStatusCode.NoContent, await _admin.DeleteAsync("/api/v1/profiles/offsite"));
        var before = _server.ConfigurationDump();

        var upload = new ByteArrayContent(backupBytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var session = ApiClient.Expect(HttpStatusCode.Created, await _admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: upload)).Json;
        Assert.Equal("needsKey", session["state"]!.GetValue<string>());
        var id = session["id"]!.GetValue<string>();
        var staged = Assert.Single(_server.StagedFiles(), Directory.Exists);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(staged));
        Assert.All(Directory.GetFiles(staged), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

        var wrong = await _admin.PostAsync($"/api/v1/imports/{id}/key", new { key = TestKeys.C });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Equal("backup-refused", wrong.Code);
        Assert.Equal("needsKey", ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync($"/api/v1/imports/{id}")).Json["state"]!.GetValue<string>());
        Assert.Equal(before, _server.ConfigurationDump());

        var right = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/key", new { kit })).Json;
        Assert.Equal("valid", right["state"]!.GetValue<string>());
        ApiClient.Expect(HttpStatusCode.NoContent, await _admin.DeleteAsync($"/api/v1/imports/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/v1/imports/{id}")).Status);
        Assert.Empty(_server.StagedFiles());
        await using var store = await _server.OpenStoreAsync();
        Assert.Empty(store.Db.ImportSessions);
    }

    [Fact]
    public async Task An_import_session_is_its_creators_alone_and_expires_when_unused_taking_its_staged_file_with_it()
    {
        await using var server = await RunningServer.StartAsync(configure: settings => settings with { ImportSessionIdle = TimeSpan.FromSeconds(3) });
        using var admin = server.Client();
        await admin.SetUpAsync();
        var download = await admin.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { });
        var key = ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/api-keys", new { name = "script", user = "admin@example.com", permissions = new[] { "config.import" } })).Json["key"]!.GetValue<string>();
        using var other = server.Client();
        other.ApiKey = key;
        var upload = new ByteArrayContent(download.Bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        // Everything else made first: on a loaded machine, making the API key after the upload once took longer than
        // the session's idle time, and the session was gone before the first look at it.
        var id = ApiClient.Expect(HttpStatusCode.Created, await admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: upload)).Json["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/imports/{id}")).Status);
        Assert.NotEmpty(server.StagedFiles());
        await Task.Delay(TimeSpan.FromSeconds(4));

        var expired = await admin.GetAsync($"/api/v1/imports/{id}");
        Assert.Equal(HttpStatusCode.NotFound, expired.Status);
        Assert.Contains("expired", expired.Json["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(server.StagedFiles());
    }

    [Fact]
    public async Task An_import_session_survives_a_restart_of_the_server_with_its_key_and_plan()
    {
        var kit = ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/profiles", new { name = "offsite" })).Json["recoveryKit"]!["text"]!.GetValue<string>();
        var download = await _admin.DownloadAsync(HttpMethod.Post, "/api/v1/export/download", new { profile = "offsite" });
        ApiClient.Expect(HttpStatusCode.NoContent, await _admin.DeleteAsync("/api/v1/profiles/offsite?force=true"));
        var upload = new ByteArrayContent(download.Bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var id = ApiClient.Expect(HttpStatusCode.Created, await _admin.SendAsync(HttpMethod.Post, "/api/v1/imports/upload", content: upload)).Json["id"]!.GetValue<string>();
        ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/key", new { kit }));
        var digest = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/plan", new { mode = "merge" })).Json["plan"]!["digest"]!.GetValue<string>();
        var keyHex = Core.Vault.RecoveryKit.Parse(kit, "kit").Key.ToHex();
        Assert.DoesNotContain(keyHex, DatabaseDump.Of(_server.Environment, _server.DataDirectory.DatabasePath), StringComparison.OrdinalIgnoreCase);

        await _server.RestartAsync();

        var session = ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync($"/api/v1/imports/{id}")).Json;
        Assert.Equal("planned", session["state"]!.GetValue<string>());
        Assert.Equal(digest, session["plan"]!["digest"]!.GetValue<string>());
        var applied = ApiClient.Expect(HttpStatusCode.OK, await _admin.PostAsync($"/api/v1/imports/{id}/apply", new { planDigest = digest })).Json;
        Assert.True(applied["result"]!["applied"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_expired_or_revoked_API_key_is_refused_with_401_and_the_refusal_is_audited()
    {
        var issued = ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/api-keys", new { name = "short-lived", user = "admin@example.com", permissions = new[] { "groups.read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(1) })).Json;
        using var script = _server.Client();
        script.ApiKey = issued["key"]!.GetValue<string>();
        ApiClient.Expect(HttpStatusCode.OK, await script.GetAsync("/api/v1/groups"));
        await using (var session = await _server.OpenStoreAsync())
        {
            Assert.Single(session.Db.ApiKeyUsage);
            var key = session.Db.ApiKeys.Single(k => k.Name == "short-lived");
            key.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await session.Db.SaveChangesAsync();
        }

        var expired = await script.GetAsync("/api/v1/groups");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("unauthenticated", expired.Code);

        var revoked = ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/api-keys", new { name = "revoked", user = "admin@example.com", permissions = new[] { "groups.read" } })).Json;
        script.ApiKey = revoked["key"]!.GetValue<string>();
        ApiClient.Expect(HttpStatusCode.OK, await script.GetAsync("/api/v1/groups"));
        ApiClient.Expect(HttpStatusCode.NoContent, await _admin.DeleteAsync($"/api/v1/api-keys/{revoked["apiKey"]!["prefix"]!.GetValue<string>()}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/groups")).Status);

        await using var store = await _server.OpenStoreAsync();
        Assert.Equal(2, store.Db.AuditEvents.Count(e => e.Action == "signin.failure" && e.Target.StartsWith("API key mbk_")));
        Assert.DoesNotContain(store.Db.AuditEvents, e => e.Target.Contains(script.ApiKey!));
    }

    [Fact]
    public async Task A_disabled_users_session_ends_at_once_and_a_changed_password_ends_the_others()
    {
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/groups", new { name = "readers", permissions = new[] { "groups.read" } }));
        ApiClient.Expect(HttpStatusCode.Created, await _admin.PostAsync("/api/v1/users", new { email = "bob@example.com", group = "readers", password = "bob's first password" }));
        using var bob = _server.Client();
        ApiClient.Expect(HttpStatusCode.OK, await bob.SignInAsync("bob@example.com", "bob's first password"));
        ApiClient.Expect(HttpStatusCode.OK, await bob.GetAsync("/api/v1/groups"));

        ApiClient.Expect(HttpStatusCode.OK, await _admin.PatchAsync("/api/v1/users/bob@example.com", new { password = "bob's second password" }));
        var afterPasswordChange = await bob.GetAsync("/api/v1/groups");
        Assert.Equal(HttpStatusCode.Unauthorized, afterPasswordChange.Status);

        ApiClient.Expect(HttpStatusCode.OK, await bob.SignInAsync("bob@example.com", "bob's second password"));
        ApiClient.Expect(HttpStatusCode.OK, await _admin.PatchAsync("/api/v1/users/bob@example.com", new { disabled = true }));
        var disabled = await bob.GetAsync("/api/v1/groups");
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.Status);
        Assert.Equal("unauthenticated", disabled.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.SignInAsync("bob@example.com", "bob's second password")).Status);
    }

    [Fact]
    public async Task A_cookie_signed_change_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var before = _server.ConfigurationDump();
        var token = _admin.AntiforgeryToken;
        _admin.AntiforgeryToken = null;

        var response = await _admin.PostAsync("/api/v1/groups", new { name = "forged" });

        _admin.AntiforgeryToken = token;
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("antiforgery", response.Json["details"]!["reason"]!.GetValue<string>());
        Assert.Equal(before, _server.ConfigurationDump());
        ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync("/api/v1/groups"));
    }

    [Fact]
    public async Task Every_problem_type_is_described_at_its_uri_and_every_error_code_has_one()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            var type = Http.ProblemTypes.For(code);
            var described = ApiClient.Expect(HttpStatusCode.OK, await _admin.GetAsync(type.Uri)).Json;
            Assert.Equal(type.Slug, described["code"]!.GetValue<string>());
            Assert.Equal(type.Status, described["status"]!.GetValue<int>());
        }
    }

    /// <summary>Sends a body with chunked transfer encoding: no length declared up front.</summary>
    private sealed class ChunkedContent(HttpContent inner) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
