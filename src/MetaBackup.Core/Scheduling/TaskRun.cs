using System.Text.Json.Serialization;

namespace MetaBackup.Core.Scheduling;

/// <summary>How a run was started.</summary>
public enum RunTrigger
{
    /// <summary>`tasks config-backup run`, or Run now in the UI.</summary>
    Manual,

    /// <summary>The schedule came due.</summary>
    Scheduled,

    /// <summary>A scheduled run was missed while the server was down and runs once at start.</summary>
    [JsonStringEnumMemberName("catchup")]
    CatchUp,
}

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Handed to the server's queue, not started yet (Run now, docs/api.md).</summary>
    Queued,

    Running,
    Succeeded,
    Failed,

    /// <summary>Its process stopped before the run finished: told to stop, or killed (then noticed once its lease expired, docs/database.md "Several instances").</summary>
    Interrupted,
}

/// <summary>
/// One run of a system task (docs/storage.md, "The Configuration Backup system task": trigger, start, end, status, file, size, checksum, error).
/// History, not configuration: never exported.
/// </summary>
public sealed class TaskRun
{
    public long Id { get; set; }
    public required string Task { get; set; }
    public RunTrigger Trigger { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public RunStatus Status { get; set; }

    /// <summary>
    /// The backup's file name in the destination: set before its upload begins, so that what a killed run uploaded can be
    /// found and removed (<see cref="ConfigBackupTask.CloseLeftOverRunsAsync"/>); kept only when the run succeeded.
    /// </summary>
    public string? File { get; set; }

    public long? Size { get; set; }

    /// <summary>SHA-256 of the file as uploaded, hex.</summary>
    public string? Checksum { get; set; }

    public string? Error { get; set; }

    /// <summary>How many attempts the run's uploads took at most (more than 1 after transient failures, docs/storage.md "Retries"); null when nothing was uploaded.</summary>
    public int? Attempts { get; set; }

    /// <summary>The scheduled occurrence a scheduled or catch-up run is for; unique per task, so each occurrence runs once across instances (<see cref="RunClaims"/>).</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The instance that claimed the run (<see cref="RunClaimant"/>): host, process and a token of its own.</summary>
    public string? Owner { get; set; }

    /// <summary>
    /// Until when, by the database's clock, the run is its owner's: renewed while it runs (<see cref="RunLease"/>); once
    /// past, the run is left over and the next claim closes it as interrupted. Not shown: an implementation detail of claims.
    /// </summary>
    [JsonIgnore]
    public DateTimeOffset? LeaseUntil { get; set; }
}
