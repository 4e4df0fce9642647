using MetaBackup.Core.Access;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MetaBackup.Web.Tests;

/// <summary>Pages offer only what the user may do; the server refuses the rest anyway, and records it (docs/ui.md, "Permissions").</summary>
public sealed class PermissionTests(Browser browser) : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await RunningServer.StartAsync(TestKeys.A);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_user_without_the_import_permission_is_not_offered_the_restore_wizard_and_a_direct_post_is_refused_and_audited()
    {
        await using (var admin = await Ui.OpenAsync(browser, _server))
        {
            await admin.FirstRunAsync("admin@example.com");

            // A group with every permission but import, its checkboxes from the permission declaration.
            await admin.GoAsync("/groups/new");
            await admin.Field("Name").FillAsync("operators");
            foreach (var permission in Permissions.All.Where(p => p != Permissions.ConfigImport))
            {
                await admin.Page.GetByLabel(permission, new() { Exact = true }).CheckAsync();
            }

            await admin.Button("Save").ClickAsync();
            await admin.GoAsync("/users/new");
            await admin.Field("Email").FillAsync("operator@example.com");
            await admin.Field("Group").SelectOptionAsync(new SelectOptionValue { Label = "operators" });
            await admin.Field("Password").FillAsync(Ui.Password);
            await admin.Button("Save").ClickAsync();
            await Expect(admin.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved operator@example.com");
        }

        await using var ui = await Ui.OpenAsync(browser, _server);
        await ui.SignInAsync("operator@example.com");
        var navigation = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Export" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Restore" })).ToHaveCountAsync(0);
        Assert.DoesNotContain("/restore", await ui.Page.ContentAsync(), StringComparison.Ordinal);

        // Typed in anyway: the page is refused.
        var opened = await ui.Page.GotoAsync("/restore");
        Assert.Equal(403, opened!.Status);
        await Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(Permissions.ConfigImport);

        // A forged upload with a valid antiforgery token (the sign-out form's): refused, nothing staged, audited.
        await ui.GoAsync("/");
        var token = await ui.Page.Locator("form.signout input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var before = _server.ConfigurationDump();
        var response = await ui.Page.APIRequest.PostAsync("/restore?handler=Upload", new()
        {
            Multipart = ui.Page.APIRequest.CreateFormData()
                .Set("__RequestVerificationToken", token!)
                .Set("Backup", new FilePayload { Name = "config_backup.json", MimeType = "application/json", Buffer = "{}"u8.ToArray() }),
        });
        Assert.Equal(403, response.Status);
        Assert.Equal(before, _server.ConfigurationDump());
        Assert.Empty(_server.StagedFiles());

        await using var store = await _server.OpenStoreAsync();
        var denials = await store.Db.AuditEvents.Where(e => e.Action == "permission.denied" && e.Actor == "user:operator@example.com").ToListAsync();
        Assert.Contains(denials, e => e.Target.Contains("StartImportUpload", StringComparison.Ordinal) && e.Target.Contains(Permissions.ConfigImport, StringComparison.Ordinal));
    }
}
