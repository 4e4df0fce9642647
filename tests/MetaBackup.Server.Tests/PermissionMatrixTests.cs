using System.Net;
using MetaBackup.Core.Access;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Issue 10's permission matrix: for every route the app maps, a signed-in user whose group grants nothing, an API key
/// that grants nothing, and an API key that lists every permission for that user — each gets 403; without credentials,
/// 401. Nothing changes, and every denial is in the audit log.
/// </summary>
public sealed class PermissionMatrixTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await RunningServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Every_route_refuses_whoever_lacks_its_permission_with_403_and_whoever_is_not_signed_in_with_401_changing_nothing_and_auditing_each()
    {
        using var admin = _server.Client();
        await admin.SetUpAsync();
        ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/groups", new { name = "nothing" }));
        ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/users", new { email = "nobody@example.com", group = "nothing", password = "nobody's password" }));
        var keyForNothing = ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/api-keys", new { name = "grants nothing", user = "admin@example.com", permissions = Array.Empty<string>() })).Json["key"]!.GetValue<string>();
        var keyBeyondItsUser = ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/api-keys", new { name = "lists everything", user = "nobody@example.com", permissions = Permissions.All })).Json["key"]!.GetValue<string>();

        using var nobody = _server.Client();
        ApiClient.Expect(HttpStatusCode.OK, await nobody.SignInAsync("nobody@example.com", "nobody's password"));
        using var emptyKey = _server.Client();
        emptyKey.ApiKey = keyForNothing;
        using var borrowedKey = _server.Client();
        borrowedKey.ApiKey = keyBeyondItsUser;
        using var anonymous = _server.Client();

        var routes = ApiRoutes.Of(_server);
        Assert.True(routes.Count > 50, $"only {routes.Count} routes found");
        var before = _server.ConfigurationDump();
        var deniedBefore = await CountAsync("permission.denied");
        var unauthenticatedBefore = await CountAsync("access.denied");
        var forbidden = 0;
        var unauthenticated = 0;
        foreach (var route in routes.Where(r => !ApiRoutes.NeedNoPermission.Contains(r.ToString())))
        {
            foreach (var (who, client) in new[] { ("a user whose group grants nothing", nobody), ("an API key granting nothing", emptyKey), ("an API key beyond its user", borrowedKey) })
            {
                var response = await SendAsync(client, route);
                Assert.True(response.Status == HttpStatusCode.Forbidden && response.Code == "forbidden", $"{route} for {who}: {response}");
                forbidden++;
            }

            var refused = await SendAsync(anonymous, route);
            Assert.True(refused.Status == HttpStatusCode.Unauthorized && refused.Code == "unauthenticated", $"{route} without credentials: {refused}");
            unauthenticated++;
        }

        Assert.Equal(before, _server.ConfigurationDump());
        Assert.Equal(deniedBefore + forbidden, await CountAsync("permission.denied"));
        Assert.Equal(unauthenticatedBefore + unauthenticated, await CountAsync("access.denied"));
        Assert.Empty(_server.StagedFiles());
    }

    [Fact]
    public async Task The_routes_that_need_no_permission_are_only_sign_in_set_up_and_the_callers_own_session()
    {
        var open = ApiRoutes.Of(_server).Where(r => r.Anonymous).Select(r => r.ToString()).ToHashSet();

        Assert.Equal(new HashSet<string> { "GET /api/v1/setup", "POST /api/v1/setup", "POST /api/v1/session" }, open);
    }

    private static Task<ApiResponse> SendAsync(ApiClient client, ApiRoute route)
    {
        var (path, body, content) = ApiRoutes.SampleRequest(route);
        return client.SendAsync(new HttpMethod(route.Method), path, body, content: content);
    }

    private async Task<int> CountAsync(string action)
    {
        await using var session = await _server.OpenStoreAsync();
        return await session.Db.AuditEvents.CountAsync(e => e.Action == action);
    }
}
