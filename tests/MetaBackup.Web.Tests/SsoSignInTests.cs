using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>Signing in through an SSO provider (docs/ui.md, "Signing in with SSO"), against an OpenID Connect provider on loopback.</summary>
public sealed class SsoSignInTests(Browser browser) : IAsyncLifetime
{
    private RunningServer _server = null!;
    private TestIdentityProvider _provider = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RunningServer.StartAsync(TestKeys.A);
        _provider = await TestIdentityProvider.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Signing_in_through_an_SSO_provider_puts_a_new_user_in_the_providers_default_group()
    {
        await using var ui = await Ui.OpenAsync(browser, _server);
        await ui.FirstRunAsync("admin@example.com");
        await ui.GoAsync("/groups/new");
        await ui.Field("Name").FillAsync("viewers");
        await ui.Page.GetByLabel("tasks.read", new() { Exact = true }).CheckAsync();
        await ui.Button("Save").ClickAsync();

        await ui.GoAsync("/sso/new");
        await ui.Field("Provider id").FillAsync("test-idp");
        await ui.Field("Name").FillAsync("Test IdP");
        await ui.Field("Issuer URL").FillAsync(_provider.Issuer);
        await ui.Field("Client id").FillAsync(TestIdentityProvider.ClientId);
        await ui.Field("Client secret").FillAsync(TestIdentityProvider.ClientSecret);
        await ui.Field("Default group").SelectOptionAsync(new SelectOptionValue { Label = "viewers" });
        await ui.Button("Save").ClickAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved “Test IdP”");
        Assert.DoesNotContain(TestIdentityProvider.ClientSecret, await ui.Page.ContentAsync(), StringComparison.Ordinal);
        await ui.SignOutAsync();

        await ui.Link("Test IdP").ClickAsync();

        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(ui.Page.Locator("header .who")).ToHaveTextAsync(TestIdentityProvider.Person.Email);
        var navigation = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Configuration Backup" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        await using var store = await _server.OpenStoreAsync();
        var user = await store.Db.Users.SingleAsync(u => u.Email == TestIdentityProvider.Person.Email);
        var group = await store.Db.Groups.SingleAsync(g => g.Id == user.GroupId);
        Assert.Equal("viewers", group.Name);
        Assert.Equal(TestIdentityProvider.Person.Name, user.Name);
        Assert.Null(user.PasswordHash);
        Assert.Contains(await store.Db.AuditEvents.ToListAsync(), e => e.Action == "signin.success" && e.Target == $"{TestIdentityProvider.Person.Email} via sso:test-idp");
    }
}
