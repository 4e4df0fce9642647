using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Testing;

/// <summary>A real configuration store in a temporary data directory, on the database the tests run on (<see cref="TestDatabase"/>).</summary>
public sealed class TestStore : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestStore(string? systemKeyHex = TestKeys.A)
    {
        Environment = new Dictionary<string, string?>();
        if (systemKeyHex is not null)
        {
            Environment["ENCRYPTION_KEY"] = systemKeyHex;
        }

        TestDatabase.Provide(Environment);
        DataDirectory = new DataDirectory(_directory.Combine("data"));
    }

    public Dictionary<string, string?> Environment { get; }

    public DataDirectory DataDirectory { get; }

    /// <summary>The clock sessions stamp times with (default: the system's).</summary>
    public TimeProvider? Clock { get; set; }

    public ConfigurationStore Store() => new(
        DataDirectory,
        DatabaseProviders.For(DataDirectory, Get),
        Get,
        NullLoggerFactory.Instance,
        Clock,
        actor: Core.Access.Actor.Operator("test"));

    public async Task<ConfigurationSession> InitializeAndOpenAsync()
    {
        await Store().InitializeAsync();
        return await Store().OpenAsync();
    }

    public Task<ConfigurationSession> OpenAsync() => Store().OpenAsync();

    /// <summary>
    /// The disaster of the recovery drills: the data directory is gone and so is the database — on PostgreSQL the store
    /// moves to a new, empty database, as a server rebuilt elsewhere would start on.
    /// </summary>
    public void Wipe()
    {
        Directory.Delete(DataDirectory.Root, recursive: true);
        TestDatabase.Provide(Environment);
    }

    public string Dump() => DatabaseDump.Of(Environment, DataDirectory.DatabasePath);

    /// <summary>The database's indexes (see <see cref="DatabaseDump.Indexes"/>).</summary>
    public IReadOnlyList<string> Indexes() => DatabaseDump.Indexes(Environment, DataDirectory.DatabasePath);

    /// <summary>Whether the store's database exists (see <see cref="DatabaseDump.Exists"/>).</summary>
    public bool DatabaseExists() => DatabaseDump.Exists(Environment, DataDirectory.DatabasePath);

    /// <summary>Runs one SQL statement against the store's database (see <see cref="DatabaseDump.Execute"/>).</summary>
    public int Execute(string sql) => DatabaseDump.Execute(Environment, DataDirectory.DatabasePath, sql);

    /// <summary>Everything the store's database keeps (see <see cref="DatabaseDump.Files"/>).</summary>
    public IReadOnlyDictionary<string, byte[]> DatabaseFiles() => DatabaseDump.Files(Environment, DataDirectory.DatabasePath);

    /// <summary>Whether any safety snapshot was left in the data directory (an import refused or rolled back leaves none).</summary>
    public bool HasSafetySnapshots() => Directory.Exists(DataDirectory.SnapshotsDirectory) && Directory.GetFiles(DataDirectory.SnapshotsDirectory).Length > 0;

    public void Dispose() => _directory.Dispose();

    private string? Get(string name) => Environment.GetValueOrDefault(name);
}
