using System.Net;
using MetaBackup.Server.Testing;
using MetaBackup.Testing;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Several server instances on one database (docs/database.md, "Several instances"): two servers, each with a data
/// directory of its own, on the database the tests run on.
/// </summary>
public sealed class SeveralInstancesTests : IAsyncLifetime
{
    private RunningServer _a = null!;
    private RunningServer _b = null!;

    public async ValueTask InitializeAsync()
    {
        _a = await RunningServer.StartAsync(TestKeys.A);
        _b = await RunningServer.StartOnSameDatabaseAsync(_a);
    }

    public async ValueTask DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task A_sign_in_made_through_one_instance_is_valid_on_the_other_and_its_keys_are_sealed_in_the_database()
    {
        using var atA = _a.Client();
        await atA.SetUpAsync("admin@example.com");
        using var atB = atA.At(_b.Address);

        var session = ApiClient.Expect(HttpStatusCode.OK, await atB.GetAsync("/api/v1/session"));
        ApiClient.Expect(HttpStatusCode.Created, await atB.PostAsync("/api/v1/groups", new { name = "made-through-b", permissions = new[] { "jobs.read" } }));

        Assert.Equal("user:admin@example.com", session.Json["actor"]!.GetValue<string>());
        ApiClient.Expect(HttpStatusCode.OK, await atA.GetAsync("/api/v1/groups/made-through-b"));
        var dump = DatabaseDump.Of(_a.Environment, _a.DataDirectory.DatabasePath);
        Assert.Contains("## server_keys", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", dump, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_a.DataDirectory.Root, "server-keys")));
    }
}
