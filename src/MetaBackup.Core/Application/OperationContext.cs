using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;

namespace MetaBackup.Core.Application;

/// <summary>The parts of a MetaBackup installation that operations use, composed once per process (MetaBackup.Hosting).</summary>
/// <param name="DataDirectory">The data directory: keys, snapshots, staging.</param>
/// <param name="SystemKeys">Where the system key comes from (for rotation).</param>
/// <param name="Stores">The storage backends of this build.</param>
/// <param name="ConnectionTesters">The connection testers of this build.</param>
/// <param name="Runs">The one queue Configuration Backup runs go through (the server's worker, or the caller for the CLI).</param>
public sealed record ApplicationServices(DataDirectory DataDirectory, SystemKeySource SystemKeys, BackupStores Stores, IReadOnlyList<IConnectionTester> ConnectionTesters, IRunQueue Runs);

/// <summary>What an operation runs with: the open session (its actor inside), and the installation's parts.</summary>
public sealed record OperationContext(ConfigurationSession Session, ApplicationServices Services)
{
    public Actor Actor => Session.Actor;

    public DataDirectory DataDirectory => Services.DataDirectory;
}
