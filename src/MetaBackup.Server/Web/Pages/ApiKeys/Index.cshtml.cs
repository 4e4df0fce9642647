using MetaBackup.Core.Access;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Application;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.ApiKeys;

/// <summary>API keys (docs/ui.md): list, create — the key shown once, in the creation's response — and revoke.</summary>
public sealed class IndexModel : UiPage
{
    private IReadOnlyDictionary<string, string> _users = new Dictionary<string, string>();

    public IReadOnlyList<ApiKeyView> Keys { get; private set; } = [];

    public IssuedApiKey? Issued { get; private set; }

    public IEnumerable<(string Id, string Email)> Users => _users.Select(u => (u.Key, u.Value));

    public string UserName(string id) => _users.GetValueOrDefault(id, id);

    public async Task OnGetAsync()
    {
        Keys = await RunAsync(new ListApiKeys());
        _users = Can(Permissions.UsersRead)
            ? (await RunAsync(new ListUsers())).ToDictionary(u => u.Id, u => u.Email)
            : new Dictionary<string, string> { [Actor.UserId ?? ""] = Actor.Name };
    }

    public async Task<IActionResult> OnPostCreateAsync(string name, string user, List<string>? granted, DateTime? expiresAt)
    {
        (_, Issued) = await TryRunAsync(new AddApiKey(name, user, granted ?? [], expiresAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null));
        await OnGetAsync();
        return Page();
    }

    public Task<IActionResult> OnPostDeleteAsync(string id) => DeleteAsync(new RemoveApiKey(id), "Key revoked.", OnGetAsync);
}
