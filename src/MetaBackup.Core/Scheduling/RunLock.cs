using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// One run at a time (docs/storage.md), across processes on this data directory: the OS lock on
/// <c>&lt;data dir&gt;/&lt;task&gt;.lock</c> (<see cref="LockFile"/>), released when disposed or when the
/// process ends, however it ends. Whoever holds it knows that no run of the task is in progress
/// anywhere else, so a run still recorded as running is one whose process died.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly LockFile _file;

    private RunLock(LockFile file) => _file = file;

    public static RunLock Acquire(DataDirectory dataDirectory, string task) =>
        TryAcquire(dataDirectory, task)
        ?? throw new ConflictException($"A {task} run is already in progress.", "Wait for it to finish; the task's runs show it.", details: new Dictionary<string, string> { ["task"] = task, ["running"] = "true" });

    public static RunLock? TryAcquire(DataDirectory dataDirectory, string task) =>
        LockFile.TryAcquire(Path.Combine(dataDirectory.Root, $"{task}.lock")) is { } file ? new RunLock(file) : null;

    public void Dispose() => _file.Dispose();
}
