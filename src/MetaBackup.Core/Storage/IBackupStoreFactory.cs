using MetaBackup.Core.Adapters;

namespace MetaBackup.Core.Storage;

/// <summary>
/// A plain config value a store learned while connecting and that its adapter should keep from now on —
/// today an SFTP server's host key, trusted on first use and pinned after (docs/storage.md, "SFTP host keys").
/// </summary>
public delegate Task RememberConfig(string key, string value);

/// <summary>Makes the backend for one storage adapter type (declared in <see cref="AdapterTypes"/>); each lives beside its SDK.</summary>
public interface IBackupStoreFactory
{
    /// <summary>The storage adapter type it serves, e.g. <c>s3</c>.</summary>
    string Type { get; }

    /// <param name="adapterName">The adapter's name, for messages.</param>
    /// <param name="config">Its configuration, secrets opened.</param>
    /// <param name="remember">Where to keep what the store learns while connecting; null to keep nothing.</param>
    IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null);

    /// <summary>
    /// Checks what the adapter type's declaration cannot: that a value is usable by this backend (an SFTP
    /// private key SSH.NET can read). Called when an adapter is added or changed; throws an
    /// <see cref="Configuration.InvalidInputException"/> that never holds the secret.
    /// </summary>
    void CheckConfig(AdapterConfig config)
    {
    }
}

/// <summary>
/// The backends a program was built with, chosen by adapter type, each wrapped in the same retry
/// (<see cref="RetryingBackupStore"/>; <paramref name="retry"/> defaults to <see cref="RetryPolicy.Default"/>).
/// </summary>
public sealed class BackupStores(IEnumerable<IBackupStoreFactory> factories, RetryPolicy? retry = null, TimeProvider? time = null)
{
    private readonly Dictionary<string, IBackupStoreFactory> _factories = factories.ToDictionary(f => f.Type);

    /// <summary>Whether this build has a backend for the storage type.</summary>
    public bool Has(string type) => _factories.ContainsKey(type);

    /// <summary>The backend's own checks of a storage adapter's configuration (see <see cref="IBackupStoreFactory.CheckConfig"/>).</summary>
    public void CheckConfig(Adapter adapter, AdapterConfig config)
    {
        if (adapter.Kind == AdapterKind.Storage && _factories.TryGetValue(adapter.Type, out var factory))
        {
            factory.CheckConfig(config);
        }
    }

    /// <param name="adapter">A storage adapter.</param>
    /// <param name="config">Its connection configuration.</param>
    /// <param name="remember">Where the store keeps what it learns while connecting.</param>
    /// <param name="notice">Told of each retry, for the operator.</param>
    public IBackupStore For(Adapter adapter, AdapterConfig config, RememberConfig? remember = null, Action<string>? notice = null)
    {
        if (adapter.Kind != AdapterKind.Storage)
        {
            throw new Configuration.ReferenceException($"'{adapter.Name}' is a {Kinds.Name(adapter.Kind)} adapter, not a storage destination.", "Choose a storage adapter.", Configuration.ErrorCode.InvalidInput);
        }

        return _factories.TryGetValue(adapter.Type, out var factory)
            ? new RetryingBackupStore(factory.Create(adapter.Name, config, remember), retry ?? RetryPolicy.Default, time ?? TimeProvider.System, notice)
            : throw new StorageException($"Storage type '{adapter.Type}' is not available in this build.");
    }
}
