using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using MetaBackup.Testing;
using Microsoft.AspNetCore.Identity;

namespace MetaBackup.Core.Tests.Users;

public sealed class UsersServiceTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task The_password_is_kept_only_as_a_standard_hash_that_verifies()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var users = new UsersService(session);

        var user = await users.AddAsync(new UserInput("Bob@Example.com", "Bob"), new SecretText("correct horse battery"));

        var hash = session.Secrets.Open(user.PasswordHash!).Reveal();
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<User>().VerifyHashedPassword(user, hash, "correct horse battery"));
        Assert.True(users.VerifyPassword(user, new SecretText("correct horse battery")));
        Assert.False(users.VerifyPassword(user, new SecretText("wrong horse battery")));
        Assert.Equal("bob@example.com", user.Email);
    }

    [Fact]
    public async Task Emails_are_unique_whatever_their_case()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var users = new UsersService(session);
        await users.AddAsync(new UserInput("bob@example.com"), null);

        await Assert.ThrowsAsync<DuplicateKeyException>(() => users.AddAsync(new UserInput("BOB@example.com"), null));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("")]
    [InlineData("Bob <bob@example.com>")]
    public async Task Malformed_emails_are_refused(string email)
    {
        await using var session = await _test.InitializeAndOpenAsync();

        await Assert.ThrowsAsync<InvalidInputException>(() => new UsersService(session).AddAsync(new UserInput(email), null));
    }

    [Fact]
    public async Task A_short_password_a_missing_group_and_removing_a_used_group_are_refused()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var users = new UsersService(session);

        await Assert.ThrowsAsync<InvalidInputException>(() => users.AddAsync(new UserInput("c@example.com"), new SecretText("short")));
        await Assert.ThrowsAsync<ReferenceException>(() => users.AddAsync(new UserInput("c@example.com", Group: "nobody"), null));
        var used = await Assert.ThrowsAsync<ReferenceException>(() => new Core.Groups.GroupsService(session).RemoveAsync("operators"));
        Assert.Contains("alice@example.com", used.Message, StringComparison.Ordinal);
        Assert.Contains("keycloak", used.Message, StringComparison.Ordinal);
    }
}
