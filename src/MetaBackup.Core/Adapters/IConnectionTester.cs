namespace MetaBackup.Core.Adapters;

/// <summary>
/// Checks that the connection of one adapter type works (docs/storage.md, "Testing connections"):
/// connect, do the least that proves the connection is usable, disconnect. Implemented beside the
/// driver it needs (MetaBackup.Connections); storage types are tested through their backend instead.
/// </summary>
public interface IConnectionTester
{
    AdapterKind Kind { get; }

    string Type { get; }

    /// <summary>
    /// Tests the connection; returns what it checked, for people ("connected to PostgreSQL 15.18 …").
    /// A failure is a <see cref="ConnectionTestException"/> whose message says what failed and never holds a secret.
    /// </summary>
    Task<string> TestAsync(string adapterName, AdapterConfig config, CancellationToken cancellationToken);
}

/// <summary>An adapter's connection does not work, or cannot be tested; the message says which and why.</summary>
public sealed class ConnectionTestException(string message, string? hint = null, Exception? inner = null)
    : Configuration.MetaBackupException(message, hint, inner, Configuration.ErrorCode.ConnectionFailed);
