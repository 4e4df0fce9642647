using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.ApiKeys;

public sealed class ApiKeysServiceTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task An_issued_key_authenticates_and_is_stored_only_as_a_hash()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await new UsersService(session).AddAsync(new UserInput("ci@example.com"), null);
        var keys = new ApiKeysService(session);

        var issued = await keys.AddAsync("ci", "ci@example.com", ["config.export"], null);

        Assert.StartsWith(issued.Record.Prefix + "_", issued.Key.Reveal(), StringComparison.Ordinal);
        var hash = session.Secrets.Open(issued.Record.KeyHash!).Reveal();
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain(issued.Key.Reveal(), hash, StringComparison.Ordinal);
        Assert.Equal(issued.Record.Id, (await keys.AuthenticateAsync(issued.Key))?.Id);
        var text = issued.Key.Reveal();
        Assert.Null(await keys.AuthenticateAsync(new SecretText(text[..^1] + (text[^1] == '0' ? '1' : '0'))));
        Assert.Null(await keys.AuthenticateAsync(new SecretText("garbage")));
    }

    [Fact]
    public async Task Unknown_permissions_missing_users_and_past_expiry_are_refused()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await new UsersService(session).AddAsync(new UserInput("ci@example.com"), null);
        var keys = new ApiKeysService(session);

        var permission = await Assert.ThrowsAsync<InvalidInputException>(() => keys.AddAsync("ci", "ci@example.com", ["root"], null));
        Assert.Contains("root", permission.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ReferenceException>(() => keys.AddAsync("ci", "nobody@example.com", [], null));
        await Assert.ThrowsAsync<InvalidInputException>(() => keys.AddAsync("ci", "ci@example.com", [], DateTimeOffset.UtcNow.AddDays(-1)));
    }

    [Fact]
    public async Task A_user_with_keys_cannot_be_removed()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await new UsersService(session).AddAsync(new UserInput("ci@example.com"), null);
        var issued = await new ApiKeysService(session).AddAsync("ci", "ci@example.com", [], null);

        var error = await Assert.ThrowsAsync<ReferenceException>(() => new UsersService(session).RemoveAsync("ci@example.com"));

        Assert.Contains(issued.Record.Prefix, error.Message, StringComparison.Ordinal);
    }
}
