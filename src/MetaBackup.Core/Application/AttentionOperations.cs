using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Application;

/// <summary>What an attention item is about: front ends link each to the place where it is fixed.</summary>
public enum AttentionTopic
{
    ConfigBackup,
    Vault,
    SystemKey,
}

/// <summary>Something an operator should look at so that a disaster stays recoverable.</summary>
public sealed record AttentionItem(AttentionTopic Topic, string Message);

/// <summary>
/// What needs attention (docs/ui.md, "Dashboard"): the meta-backup has no destination or is off, it leaves secrets
/// out, its last run failed, a profile is locked, there is no profile at all, or the system key exists only in the
/// data directory. Each item is shown only to whoever may read what it is about.
/// </summary>
public sealed record ShowAttention : Operation<IReadOnlyList<AttentionItem>>
{
    public override string Permission => Permissions.TasksRead;

    internal override async Task<IReadOnlyList<AttentionItem>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var items = new List<AttentionItem>();
        var status = await new ShowConfigBackupStatus().RunAsync(context, cancellationToken);
        if (status.StorageId is null)
        {
            items.Add(new(AttentionTopic.ConfigBackup, "The Configuration Backup has no destination: no copy of this configuration is being made."));
        }
        else if (!status.Enabled)
        {
            items.Add(new(AttentionTopic.ConfigBackup, "The Configuration Backup is off: it runs only when someone presses Run now."));
        }

        if (!status.IncludeSecrets)
        {
            items.Add(new(AttentionTopic.ConfigBackup, "The Configuration Backup leaves secrets out: after a restore, every password and key must be entered again."));
        }

        if (status.LastRun is { Status: RunStatus.Failed or RunStatus.Interrupted } last)
        {
            items.Add(new(AttentionTopic.ConfigBackup, $"The last Configuration Backup run {WireName.Of(last.Status)}: {last.Error}"));
        }

        var actor = context.Session.Actor;
        if (actor.May(Permissions.ProfilesRead))
        {
            var profiles = await context.Session.Db.EncryptionProfiles.AsNoTracking().ToListAsync(cancellationToken);
            if (profiles.Count == 0)
            {
                items.Add(new(AttentionTopic.Vault, "The vault has no Encryption Profile: backups cannot be encrypted, nor include secrets."));
            }

            items.AddRange(profiles.Where(p => p.IsLocked).Select(p => new AttentionItem(AttentionTopic.Vault, $"The Encryption Profile '{p.Name}' is locked: its key is not on this server. Import it from its Recovery Kit.")));
        }

        if (actor.May(Permissions.SystemKeyRead) && context.Session.SystemKey.Origin == SystemKeyOrigin.DataDirectory)
        {
            items.Add(new(AttentionTopic.SystemKey, "The system key exists only in the data directory (system.key). Keep a copy somewhere else: without it, the secrets stored here cannot be read."));
        }

        return items;
    }
}
