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

    /// <summary>Its process stopped before the run finished: told to stop, or killed (then noticed by the next run or the next start of `serve`).</summary>
    Interrupted,
}

/// <summary>
/// One run of a system task (PRODUCT §7: trigger, start, end, status, file, size, checksum, error).
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

    /// <summary>The backup's file name in the destination.</summary>
    public string? File { get; set; }

    public long? Size { get; set; }

    /// <summary>SHA-256 of the file as uploaded, hex.</summary>
    public string? Checksum { get; set; }

    public string? Error { get; set; }

    /// <summary>How many attempts the run's uploads took at most (more than 1 after transient failures, docs/storage.md "Retries"); null when nothing was uploaded.</summary>
    public int? Attempts { get; set; }
}
