using MetaBackup.Core.Adapters;

namespace MetaBackup.Core.Storage;

/// <summary>Makes the backend for one storage adapter type (declared in <see cref="AdapterTypes"/>); each lives beside its SDK.</summary>
public interface IBackupStoreFactory
{
    /// <summary>The storage adapter type it serves, e.g. <c>s3</c>.</summary>
    string Type { get; }

    IBackupStore Create(string adapterName, AdapterConfig config);
}

/// <summary>The backends a program was built with, chosen by adapter type.</summary>
public sealed class BackupStores(IEnumerable<IBackupStoreFactory> factories)
{
    private readonly Dictionary<string, IBackupStoreFactory> _factories = factories.ToDictionary(f => f.Type);

    /// <summary>Whether this build has a backend for the storage type.</summary>
    public bool Has(string type) => _factories.ContainsKey(type);

    public IBackupStore For(Adapter adapter, AdapterConfig config)
    {
        if (adapter.Kind != AdapterKind.Storage)
        {
            throw new Configuration.ReferenceException($"'{adapter.Name}' is a {Kinds.Name(adapter.Kind)} adapter, not a storage destination.", "Choose one from `metabackup adapters list --kind storage`.");
        }

        return _factories.TryGetValue(adapter.Type, out var factory)
            ? factory.Create(adapter.Name, config)
            : throw new StorageException($"Storage type '{adapter.Type}' is not available in this build.");
    }
}
