using MetaBackup.Core.Access;
using MetaBackup.Core.Application;

namespace MetaBackup.Server.Web.Pages;

/// <summary>The dashboard (docs/ui.md): the last configuration backup, the next run, and what needs attention.</summary>
public sealed class IndexModel : UiPage
{
    public ConfigBackupStatus? Status { get; private set; }

    public IReadOnlyList<AttentionItem> Attention { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (Can(Permissions.TasksRead))
        {
            Status = await RunAsync(new ShowConfigBackupStatus());
            Attention = await RunAsync(new ShowAttention());
        }
    }

    public static string LinkOf(AttentionTopic topic) => topic switch
    {
        AttentionTopic.ConfigBackup => "/settings/system-tasks/config-backup",
        AttentionTopic.Vault => "/vault",
        _ => "/settings",
    };
}
