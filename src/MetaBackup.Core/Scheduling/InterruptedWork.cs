using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// What `serve` tidies when it starts (docs/storage.md, "Interrupted work"): runs that a killed instance
/// left "running" are marked interrupted once their claim has run out, with what they had begun uploading,
/// and the temporary files a killed process left in the data directory — staging areas, half-written safety
/// snapshots and keys — are removed. Work in progress in another process is recognised by the OS locks its
/// owner holds (files) or by its live claim (runs), and left alone.
/// </summary>
public static class InterruptedWork
{
    public static async Task RecoverAsync(ConfigurationSession session, DataDirectory dataDirectory, BackupStores stores, CancellationToken cancellationToken)
    {
        await new ConfigBackupTask(session, dataDirectory, stores).CloseLeftOverRunsAsync(cancellationToken);
        AbandonedFiles.Remove(dataDirectory.SnapshotsDirectory, AbandonedFiles.IsPrivateFileTemporary);
        AbandonedFiles.Remove(dataDirectory.Root, AbandonedFiles.IsPrivateFileTemporary);
    }
}
