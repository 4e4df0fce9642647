using MetaBackup.Core.Storage;
using MetaBackup.Storage.S3;
using MetaBackup.Storage.Sftp;

namespace MetaBackup.Cli;

/// <summary>The one place that chooses implementations: the storage backends and connection testers this program is built with.</summary>
public static class Composition
{
    public static BackupStores Stores { get; } = new([new LocalBackupStoreFactory(), new S3BackupStoreFactory(), new SftpBackupStoreFactory()]);

    public static IReadOnlyList<Core.Adapters.IConnectionTester> ConnectionTesters { get; } = MetaBackup.Connections.ConnectionTesters.All;
}
