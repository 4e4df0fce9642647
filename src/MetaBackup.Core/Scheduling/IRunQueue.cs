using MetaBackup.Core.Persistence;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// The one way a Configuration Backup run starts (docs/storage.md, "Runs"): Run now, the scheduler and the
/// CLI all hand their run to a queue, which records it as queued — refusing while another is queued or
/// running — and runs it through <see cref="ConfigBackupTask"/>. The server's queue runs it on its worker
/// (<see cref="BackgroundRunQueue"/>); the CLI's runs it in the caller (<see cref="InlineRunQueue"/>).
/// </summary>
public interface IRunQueue
{
    /// <summary>Queues a run; returns it as it stands when handed over — finished by an inline queue, queued by a background one.</summary>
    Task<TaskRun> EnqueueAsync(ConfigurationSession session, RunTrigger trigger, Action<string>? progress, CancellationToken cancellationToken);
}
