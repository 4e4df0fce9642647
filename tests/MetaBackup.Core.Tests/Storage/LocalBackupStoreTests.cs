using MetaBackup.Core.Storage;
using MetaBackup.Storage.Testing;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Storage;

/// <summary>The storage conformance suite against a directory on disk.</summary>
public sealed class LocalBackupStoreTests : BackupStoreConformance, IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    protected override IBackupStore CreateStore() => new LocalBackupStore("test", _root.Combine(Guid.NewGuid().ToString("N")));
}
