using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Testing;

/// <summary>A real configuration store (SQLite file on disk) in a temporary data directory.</summary>
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

    public string Dump() => DatabaseDump.Of(DataDirectory.DatabasePath);

    public void Dispose() => _directory.Dispose();

    private string? Get(string name) => Environment.GetValueOrDefault(name);
}
