using MetaBackup.Core.Access;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server.Hosting;

/// <summary>
/// What the server does once, before it listens (docs/architecture.md, "Composition"): initialise an empty data
/// directory — with the same warning about a generated system key as <c>init</c> — check the system key and apply
/// migrations, and tidy what a killed process left behind. A wrong key stops the server here, with its reason.
/// </summary>
public sealed class StartupGate(ConfigurationStore store, BackupStores stores, ILogger<StartupGate> logger)
{
    /// <summary>Runs the gate; returns the warnings to show the operator (a generated system key).</summary>
    public async Task<IReadOnlyList<string>> PassAsync(CancellationToken cancellationToken)
    {
        // On an initialised directory this only checks the key and applies pending migrations.
        var result = await store.InitializeAsync(cancellationToken);
        if (result.Created)
        {
            logger.LogInformation("Initialised {DataDirectory} ({Database}); system key {Fingerprint} from {Source}", store.DataDirectory.Root, result.Database, result.SystemKey.Fingerprint, result.SystemKey.Description);
        }

        foreach (var warning in result.KeyWarnings)
        {
            logger.LogWarning("{Warning}", warning);
        }

        await using var session = await store.OpenAsync(Actor.System, cancellationToken);
        await InterruptedWork.RecoverAsync(session, store.DataDirectory, stores, cancellationToken);
        return result.KeyWarnings;
    }
}
