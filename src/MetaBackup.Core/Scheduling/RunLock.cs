using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// One run at a time (PRODUCT §7), across processes on this data directory: an exclusive lock on
/// <c>&lt;data dir&gt;/&lt;task&gt;.lock</c>, released when disposed or when the process ends.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _file;

    private RunLock(FileStream file) => _file = file;

    public static RunLock Acquire(DataDirectory dataDirectory, string task)
    {
        try
        {
            return new RunLock(new FileStream(Path.Combine(dataDirectory.Root, $"{task}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new MetaBackupException($"A {task} run is already in progress.", "Wait for it to finish; `metabackup tasks runs` shows it.");
        }
    }

    public void Dispose() => _file.Dispose();
}
