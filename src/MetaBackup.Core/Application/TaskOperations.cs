using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Application;

/// <summary>The Configuration Backup task as front ends show it: its settings with the names of what they name, when it runs next, and its last run.</summary>
public sealed record ConfigBackupStatus(
    bool Enabled,
    string Schedule,
    string TimeZone,
    string? StorageId,
    string? Storage,
    string? EncryptionProfileId,
    string? EncryptionProfile,
    bool IncludeSecrets,
    string Compression,
    int Retention,
    DateTimeOffset? NextRun,
    TaskRun? LastRun)
{
    /// <summary>What monitoring should know (docs/api.md, "Health"): whether the backups are being made.</summary>
    public ConfigBackupHealth Health => (Enabled && StorageId is not null, LastRun?.Status) switch
    {
        (false, _) => ConfigBackupHealth.Off,
        (true, null) => ConfigBackupHealth.NeverRun,
        (true, RunStatus.Queued or RunStatus.Running) => ConfigBackupHealth.Running,
        (true, RunStatus.Succeeded) => ConfigBackupHealth.Ok,
        _ => ConfigBackupHealth.Failing,
    };
}

/// <summary>Whether the scheduled configuration backups are being made.</summary>
public enum ConfigBackupHealth
{
    /// <summary>The last run succeeded.</summary>
    Ok,

    /// <summary>The last run failed or was interrupted: alert.</summary>
    Failing,

    /// <summary>A run is queued or running.</summary>
    Running,

    /// <summary>Enabled, and no run yet.</summary>
    NeverRun,

    /// <summary>Not enabled, or no destination set: nothing is scheduled.</summary>
    Off,
}

/// <summary>
/// Run now (docs/api.md, "Run now"): hands a manual run of the Configuration Backup to the one queue, where the
/// scheduler's runs go too, whatever the schedule. One run at a time: while one is queued or running, another is
/// refused with its id. Returns the run as the queue left it — finished when the queue runs it in the caller (the
/// CLI), queued when a worker will (the server, whose caller polls the run by its id).
/// </summary>
public sealed record RunConfigBackupNow(Action<string>? Progress = null) : Operation<TaskRun>
{
    public override string Permission => Permissions.TasksRun;

    public override AuditEntry Audit => new("tasks.run-now", ConfigBackupTask.Name);

    internal override Task<TaskRun> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        context.Services.Runs.EnqueueAsync(context.Session, RunTrigger.Manual, Progress, cancellationToken);
}

public sealed record ShowConfigBackupStatus : Operation<ConfigBackupStatus>
{
    public override string Permission => Permissions.TasksRead;

    internal override async Task<ConfigBackupStatus> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var db = context.Session.Db;
        var settings = await new SettingsService(context.Session).ConfigBackupAsync(cancellationToken);
        var storage = settings.StorageId is { } storageId ? await db.Adapters.AsNoTracking().FirstOrDefaultAsync(a => a.Id == storageId, cancellationToken) : null;
        var profile = settings.EncryptionProfileId is { } profileId ? await db.EncryptionProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken) : null;
        var last = await db.TaskRuns.AsNoTracking().Where(r => r.Task == ConfigBackupTask.Name).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return new ConfigBackupStatus(
            settings.Enabled,
            settings.Schedule,
            settings.TimeZone.Id,
            settings.StorageId,
            storage is null ? settings.StorageId : $"{Kinds.Name(storage.Kind)}/{storage.Name}",
            settings.EncryptionProfileId,
            profile?.Name ?? settings.EncryptionProfileId,
            settings.IncludeSecrets,
            Compressions.Name(settings.Compression),
            settings.Retention,
            ConfigBackupScheduler.NextRun(settings, context.Session.Clock.GetUtcNow()),
            last);
    }
}

public sealed record ListTaskRuns(int Limit = 20) : Operation<IReadOnlyList<TaskRun>>
{
    public override string Permission => Permissions.TasksRead;

    internal override async Task<IReadOnlyList<TaskRun>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new ConfigBackupTask(context.Session, context.DataDirectory, context.Services.Stores).RunsAsync(Check.Positive(Limit, "limit"), cancellationToken);
}

public sealed record ShowTaskRun(long Id) : Operation<TaskRun>
{
    public override string Permission => Permissions.TasksRead;

    internal override async Task<TaskRun> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await context.Session.Db.TaskRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == Id, cancellationToken)
        ?? throw new MetaBackupException($"There is no task run {Id}.", "List the runs to find it.", null, ErrorCode.NotFound, new Dictionary<string, string> { ["run"] = Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}

/// <summary>The configuration backups in a storage destination, newest first.</summary>
public sealed record ListBackups(string Storage) : Operation<IReadOnlyList<CatalogEntry>>
{
    public override string Permission => Permissions.BackupsRead;

    internal override async Task<IReadOnlyList<CatalogEntry>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        var adapter = await adapters.FindOfKindAsync(Storage, AdapterKind.Storage, "The destination", cancellationToken);
        return await new BackupCatalog(await adapters.StoreForAsync(adapter, context.Services.Stores, cancellationToken: cancellationToken)).ListAsync(cancellationToken);
    }
}

/// <summary>
/// The next <see cref="Count"/> times a cron expression comes due in a time zone (the zone's local times), for a
/// schedule being edited: the same rules as the settings it will be saved to, so a schedule that previews saves.
/// </summary>
public sealed record PreviewSchedule(string Schedule, string TimeZone, int Count = 3) : Operation<IReadOnlyList<DateTimeOffset>>
{
    public override string Permission => Permissions.TasksRead;

    internal override Task<IReadOnlyList<DateTimeOffset>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var cron = Cronos.CronExpression.Parse(SettingRules.CheckForm(SettingKeys.ConfigBackupSchedule, Schedule), Cronos.CronFormat.Standard);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(SettingRules.CheckForm(SettingKeys.SystemTimezone, TimeZone));
        var times = new List<DateTimeOffset>();
        var after = context.Session.Clock.GetUtcNow();
        while (times.Count < Math.Clamp(Count, 1, 10) && cron.GetNextOccurrence(after, zone) is { } next)
        {
            times.Add(TimeZoneInfo.ConvertTime(next, zone));
            after = next;
        }

        return Task.FromResult<IReadOnlyList<DateTimeOffset>>(times);
    }
}
