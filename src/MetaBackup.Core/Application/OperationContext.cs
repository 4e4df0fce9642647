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
public sealed record ApplicationServices(DataDirectory DataDirectory, SystemKeySource SystemKeys, BackupStores Stores, IReadOnlyList<IConnectionTester> ConnectionTesters, IRunQueue Runs)
{
    /// <summary>The limits of import sessions.</summary>
    public ImportLimits Imports { get; init; } = new();

    /// <summary>
    /// Whether this process is one command that runs to its end and answers no one else meanwhile (the CLI): its import
    /// into an empty configuration may then take the database to itself while it loads it. A server keeps the database
    /// open to its other requests (docs/database.md, "Loading in bulk").
    /// </summary>
    public bool RunsAlone { get; init; }
}

/// <summary>How large an uploaded backup may be, and how long an unused import session lives (docs/api.md, "Import sessions").</summary>
public sealed record ImportLimits(long MaxUploadBytes = 64L * 1024 * 1024, TimeSpan? SessionIdle = null)
{
    public TimeSpan Idle => SessionIdle ?? TimeSpan.FromMinutes(30);

    /// <summary>The refusal of an upload over <see cref="MaxUploadBytes"/>.</summary>
    public MetaBackupException UploadTooLarge() => new(
        $"The upload is larger than this server accepts ({(MaxUploadBytes >= 1024 * 1024 ? $"{MaxUploadBytes / (1024 * 1024)} MiB" : $"{MaxUploadBytes / 1024} KiB")}).",
        "Import it from a storage destination instead, or raise the server's upload limit.",
        null,
        ErrorCode.TooLarge,
        new Dictionary<string, string> { ["limitBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}

/// <summary>What an operation runs with: the open session (its actor inside), and the installation's parts.</summary>
public sealed record OperationContext(ConfigurationSession Session, ApplicationServices Services)
{
    public Actor Actor => Session.Actor;

    public DataDirectory DataDirectory => Services.DataDirectory;

    /// <summary>The importer of this session, as this process may import (<see cref="ApplicationServices.RunsAlone"/>).</summary>
    internal Import.ConfigImporter Importer() => new(Session, DataDirectory) { RunsAlone = Services.RunsAlone };
}
