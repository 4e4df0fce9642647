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

/// <summary>Export to a local destination, wipe the data directory, import from it: the same configuration.</summary>
public sealed class LocalRestoreTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public Task A_configuration_exported_to_a_local_destination_comes_back_after_the_data_directory_is_wiped() =>
        DestinationDrill.RunAsync(new LocalBackupStore("disk", _root.Combine("backups")));
}
