using System.Buffers.Binary;
using System.Net;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MetaBackup.Server.Tests;

/// <summary>Issue 10's authentication: the first administrator once, sign-in audited and rate-limited, hashes with today's iterations, permissions from the group.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await RunningServer.StartAsync(configure: settings => settings with { SignInAttemptsPerMinute = 5 });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_first_administrator_can_be_created_while_no_user_exists_and_only_then()
    {
        using var first = _server.Client();
        Assert.True(ApiClient.Expect(HttpStatusCode.OK, await first.GetAsync("/api/v1/setup")).Json["firstAdministratorNeeded"]!.GetValue<bool>());
        await first.SetUpAsync();
        var session = ApiClient.Expect(HttpStatusCode.OK, await first.GetAsync("/api/v1/session")).Json;
        Assert.Equal("user:admin@example.com", session["actor"]!.GetValue<string>());
        Assert.Contains("system-key.rotate", session["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));

        using var second = _server.Client();
        Assert.False(ApiClient.Expect(HttpStatusCode.OK, await second.GetAsync("/api/v1/setup")).Json["firstAdministratorNeeded"]!.GetValue<bool>());
        var refused = await second.PostAsync("/api/v1/setup", new { email = "intruder@example.com", password = "intruder password" });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        await using var store = await _server.OpenStoreAsync();
        Assert.Equal(["admin@example.com"], await store.Db.Users.Select(u => u.Email).ToListAsync());
    }

    [Fact]
    public async Task Sign_ins_are_audited_with_their_address_and_too_many_from_one_address_get_429()
    {
        using var admin = _server.Client();
        await admin.SetUpAsync();
        using var guesser = _server.Client();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add((await guesser.SignInAsync("admin@example.com", $"wrong guess {i}")).Status);
        }

        // The set-up itself counted as one attempt of the five per minute.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        var limited = await guesser.SignInAsync("admin@example.com", "first admin password");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("too-many-requests", limited.Code);
        Assert.True(limited.Headers.RetryAfter is not null);

        await using var store = await _server.OpenStoreAsync();
        var failures = await store.Db.AuditEvents.Where(e => e.Action == "signin.failure").ToListAsync();
        Assert.Equal(4, failures.Count);
        Assert.All(failures, f => Assert.Equal("127.0.0.1", f.RemoteAddress));
        Assert.All(failures, f => Assert.Equal("admin@example.com", f.Target));
        Assert.Single(await store.Db.AuditEvents.Where(e => e.Action == "signin.success").ToListAsync());
        Assert.DoesNotContain(await store.Db.AuditEvents.ToListAsync(), e => e.Target.Contains("wrong guess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_hashed_with_fewer_iterations_than_today_is_hashed_again_at_sign_in()
    {
        using var admin = _server.Client();
        await admin.SetUpAsync();
        const string password = "an old account's password";
        await using (var store = await _server.OpenStoreAsync())
        {
            // As an older version (or an import from one) stored it: Identity's v3 format with 100,000 iterations.
            var old = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { IterationCount = 100_000 }));
            var user = new User { Email = "old@example.com", Name = "Old" };
            user.PasswordHash = store.Secrets.Seal(new SecretText(old.HashPassword(user, password)));
            store.Db.Users.Add(user);
            await store.Db.SaveChangesAsync();
            Assert.Equal(100_000, IterationsOf(store.Secrets.Open(user.PasswordHash).Reveal()));
        }

        using var client = _server.Client();
        ApiClient.Expect(HttpStatusCode.OK, await client.SignInAsync("old@example.com", password));

        await using (var store = await _server.OpenStoreAsync())
        {
            var user = await store.Db.Users.SingleAsync(u => u.Email == "old@example.com");
            Assert.Equal(UsersService.PasswordIterations, IterationsOf(store.Secrets.Open(user.PasswordHash!).Reveal()));
        }

        // The session it started outlives the rehash: the hash changed, the password did not.
        ApiClient.Expect(HttpStatusCode.OK, await client.GetAsync("/api/v1/session"));
    }

    [Fact]
    public async Task A_users_permissions_come_from_their_group_as_it_is_now_and_an_API_key_has_at_most_its_users()
    {
        using var admin = _server.Client();
        await admin.SetUpAsync();
        ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/groups", new { name = "readers", permissions = new[] { "groups.read", "users.read" } }));
        ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/users", new { email = "reader@example.com", group = "readers", password = "reader password" }));
        var key = ApiClient.Expect(HttpStatusCode.Created, await admin.PostAsync("/api/v1/api-keys", new { name = "reader's script", user = "reader@example.com", permissions = new[] { "groups.read", "groups.write" } })).Json["key"]!.GetValue<string>();

        using var reader = _server.Client();
        ApiClient.Expect(HttpStatusCode.OK, await reader.SignInAsync("reader@example.com", "reader password"));
        ApiClient.Expect(HttpStatusCode.OK, await reader.GetAsync("/api/v1/users"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/v1/groups", new { name = "mine" })).Status);

        using var script = _server.Client();
        script.ApiKey = key;
        ApiClient.Expect(HttpStatusCode.OK, await script.GetAsync("/api/v1/groups"));
        Assert.Equal(HttpStatusCode.Forbidden, (await script.GetAsync("/api/v1/users")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostAsync("/api/v1/groups", new { name = "mine" })).Status);

        // The group changes: the next request of both has the new permissions, without signing in again.
        ApiClient.Expect(HttpStatusCode.OK, await admin.PatchAsync("/api/v1/groups/readers", new { permissions = new[] { "groups.read", "groups.write" } }));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/api/v1/users")).Status);
        ApiClient.Expect(HttpStatusCode.Created, await script.PostAsync("/api/v1/groups", new { name = "made-by-script" }));
        ApiClient.Expect(HttpStatusCode.Created, await reader.PostAsync("/api/v1/groups", new { name = "made-by-reader" }));

        await using var store = await _server.OpenStoreAsync();
        var made = await store.Db.AuditEvents.Where(e => e.Action == "groups.add").Select(e => e.Actor).ToListAsync();
        Assert.Contains(made, a => a.StartsWith("apikey:mbk_", StringComparison.Ordinal) && a.EndsWith("(reader@example.com)", StringComparison.Ordinal));
        Assert.Contains("user:reader@example.com", made);
    }

    /// <summary>The PBKDF2 iteration count of an ASP.NET Core Identity v3 hash (format byte, PRF, iterations, …).</summary>
    private static int IterationsOf(string hash) => (int)BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5, 4));
}
