using MetaBackup.Core.Application;
using MetaBackup.Core.Auditing;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Audit;

/// <summary>The audit log, newest first, filterable by actor, action and time.</summary>
public sealed class IndexModel : UiPage
{
    [BindProperty(SupportsGet = true, Name = "Actor")] public string? Actor_ { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Since { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Until { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public async Task OnGetAsync() =>
        Events = await RunAsync(new ListAuditEvents(Empty(Actor_), Empty(Action), Utc(Since), Utc(Until), 200));

    private static string? Empty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
