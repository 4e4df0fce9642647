using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;
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
    TaskRun? LastRun);

/// <summary>Runs the Configuration Backup now, in the caller, whatever the schedule (the CLI; the server queues it instead).</summary>
public sealed record RunConfigBackup(Action<string>? Progress = null) : Operation<TaskRun>
{
    public override string Permission => Permissions.TasksRun;

    internal override Task<TaskRun> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new ConfigBackupTask(context.Session, context.DataDirectory, context.Services.Stores).RunAsync(RunTrigger.Manual, cancellationToken, Progress);
}

/// <summary>
/// Run now, for a server (docs/api.md, "Run now"): records a queued run and hands it to the one queue, where the
/// scheduler's runs go too; returns the run, whose status the caller polls. One run at a time: while one is
/// queued or running, another is refused with its id.
/// </summary>
public sealed record QueueConfigBackup : Operation<TaskRun>
{
    public override string Permission => Permissions.TasksRun;

    internal override async Task<TaskRun> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var queue = context.Services.Runs ?? throw new InvalidOperationException("Run now needs a run queue; the CLI runs the task itself.");
        var db = context.Session.Db;
        if ((await new SettingsService(context.Session).ConfigBackupAsync(cancellationToken)).StorageId is null)
        {
            throw new InvalidInputException("No storage destination is set for configuration backups.", $"Set {SettingKeys.ConfigBackupStorageId} to a storage adapter.");
        }

        await using var transaction = await context.Session.BeginWriteAsync(cancellationToken);
        if (await db.TaskRuns.AsNoTracking().Where(r => r.Task == ConfigBackupTask.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)).OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken) is { } busy)
        {
            throw new ConflictException(
                $"A configuration backup run ({busy.Id}) is already {busy.Status.ToString().ToLowerInvariant()}.",
                "Wait for it to finish, and follow it by its id.",
                details: new Dictionary<string, string> { ["running"] = "true", ["runId"] = busy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        var run = new TaskRun { Task = ConfigBackupTask.Name, Trigger = RunTrigger.Manual, StartedAt = context.Session.Clock.GetUtcNow(), Status = RunStatus.Queued };
        db.TaskRuns.Add(run);
        context.Session.Audit("tasks.run-now", $"{ConfigBackupTask.Name} run {run.Id}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        queue.Enqueue(run.Id, RunTrigger.Manual);
        return run;
    }
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
            settings.Compression.ToString().ToLowerInvariant(),
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
