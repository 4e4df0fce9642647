using MetaBackup.Core.Scheduling;

namespace MetaBackup.Core.Application;

/// <summary>
/// Where a Configuration Backup run is handed to a worker (docs/api.md, "Run now"): the server's one queue,
/// shared with its scheduler, runs one at a time. A front end without a worker (the CLI) runs it itself.
/// </summary>
public interface IRunQueue
{
    /// <summary>Hands the queued run over; it runs in the background.</summary>
    void Enqueue(long runId, RunTrigger trigger);
}
