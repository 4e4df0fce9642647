using System.Globalization;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// Runs claimed in the database (docs/database.md, "Several instances"): the step every <see cref="IRunQueue"/> takes
/// first. A claim is a run recorded as queued under its claimant's lease, in a writer's transaction — writers are
/// serialised on both databases, so two instances claiming at once are taken one after the other: the second sees the
/// first's run and is refused, or, for a scheduled occurrence, finds it taken. A run whose lease ran out by the
/// database's clock is left over from an instance that died; claims and sweeps close it as interrupted.
/// </summary>
internal static class RunClaims
{
    public const string LeftOverError = "Its instance stopped before the run finished (killed, or its machine or its database connection went down) and its claim ran out.";

    /// <summary>
    /// Claims a run of the Configuration Backup for <paramref name="claimant"/>, or refuses while another is queued or
    /// running under a live lease. For a scheduled occurrence (<paramref name="dueAt"/>) that another instance claimed
    /// already, returns that instance's run.
    /// </summary>
    public static async Task<TaskRun> ClaimAsync(ConfigurationSession session, RunClaimant claimant, RunTrigger trigger, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        if ((await new SettingsService(session).ConfigBackupAsync(cancellationToken)).StorageId is null)
        {
            throw new InvalidInputException(
                "No storage destination is set for configuration backups.",
                $"Set {SettingKeys.ConfigBackupStorageId} to a storage adapter.",
                new Dictionary<string, string> { ["setting"] = SettingKeys.ConfigBackupStorageId });
        }

        var db = session.Db;
        var due = dueAt is { } time ? StoredTime.Of(time) : (DateTimeOffset?)null;
        await using var transaction = await session.BeginWriteAsync(cancellationToken);
        if (due is not null && await db.TaskRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Task == ConfigBackupTask.Name && r.DueAt == due, cancellationToken) is { } taken)
        {
            return taken;
        }

        var now = await session.DatabaseNowAsync(cancellationToken);
        var active = await CloseLeftOversAsync(session, now, cancellationToken);
        if (active.FirstOrDefault() is { } busy)
        {
            throw new ConflictException(
                $"A configuration backup run ({busy.Id}) is already {WireName.Of(busy.Status)}{(busy.Owner == claimant.Name ? "" : $" on {busy.Owner}")}.",
                "Wait for it to finish, and follow it by its id.",
                details: new Dictionary<string, string> { ["running"] = "true", ["runId"] = busy.Id.ToString(CultureInfo.InvariantCulture) });
        }

        var run = new TaskRun
        {
            Task = ConfigBackupTask.Name, Trigger = trigger, StartedAt = session.Clock.GetUtcNow(), Status = RunStatus.Queued,
            DueAt = due, Owner = claimant.Name, LeaseUntil = now + claimant.Lease,
        };
        db.TaskRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>
    /// Closes as interrupted the runs whose lease ran out before <paramref name="now"/> (the database's time) — in the
    /// caller's transaction when it has one — and returns the runs still queued or running under a live lease.
    /// A run without a lease was left by a version before claims: nothing can hold it now.
    /// </summary>
    public static async Task<List<TaskRun>> CloseLeftOversAsync(ConfigurationSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Compared here rather than in SQL: SQLite cannot order times with offsets, and an active run is one or two rows.
        var active = await session.Db.TaskRuns
            .Where(r => r.Task == ConfigBackupTask.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var leftOver = active.Where(r => r.LeaseUntil is not { } until || until <= now).ToList();
        foreach (var run in leftOver)
        {
            run.Status = RunStatus.Interrupted;
            run.EndedAt = session.Clock.GetUtcNow();
            run.Error = LeftOverError;
        }

        if (leftOver.Count > 0)
        {
            await session.Db.SaveChangesAsync(cancellationToken);
            session.Logger<ConfigBackupTask>().LogWarning(
                "Marked configuration backup run(s) {Ids} interrupted: their instance stopped before they finished", string.Join(", ", leftOver.Select(r => r.Id)));
        }

        return [.. active.Except(leftOver)];
    }
}
