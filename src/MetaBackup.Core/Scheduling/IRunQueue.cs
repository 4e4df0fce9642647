using MetaBackup.Core.Persistence;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// The one way a Configuration Backup run starts (docs/storage.md, "Runs"): Run now, the scheduler and the
/// CLI all hand their run to a queue, which claims it in the database — refusing while another is queued or
/// running on any instance (<see cref="RunClaims"/>) — and runs it through <see cref="ConfigBackupTask"/>. The
/// server's queue runs it on its worker (<see cref="BackgroundRunQueue"/>); the CLI's runs it in the caller
/// (<see cref="InlineRunQueue"/>).
/// </summary>
public interface IRunQueue
{
    /// <summary>
    /// Queues a run; returns it as it stands when handed over — finished by an inline queue, queued by a background one.
    /// For a scheduled occurrence (<paramref name="dueAt"/>) that another instance has claimed already, returns that
    /// instance's run, and runs nothing.
    /// </summary>
    Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken, DateTimeOffset? dueAt = null);
}
