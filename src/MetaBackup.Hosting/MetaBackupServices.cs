using MetaBackup.Core.Adapters;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Storage;
using MetaBackup.Data;
using MetaBackup.Storage.S3;
using MetaBackup.Storage.Sftp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Hosting;

/// <summary>
/// The one place that chooses MetaBackup's parts (docs/architecture.md, "Composition"): the database of the
/// data directory, the storage backends and connection testers of this build, the configuration store, the
/// run queue and the application's services. The CLI and the server both build their services from here;
/// each adds only what is its own (its logging, its actor, the server's background queue).
/// </summary>
public static class MetaBackupServices
{
    /// <summary>The storage backends this build is made with.</summary>
    public static BackupStores Stores { get; } = new([new LocalBackupStoreFactory(), new S3BackupStoreFactory(), new SftpBackupStoreFactory()]);

    /// <summary>The connection testers this build is made with.</summary>
    public static IReadOnlyList<IConnectionTester> ConnectionTesters => Connections.ConnectionTesters.All;

    /// <param name="services">The front end's services.</param>
    /// <param name="dataDirectory">The data directory (keys, database, logs, snapshots, staging).</param>
    /// <param name="environment">Reads environment variables (the system key, the database).</param>
    /// <param name="runsAlone">Whether the process is one command that answers no one else meanwhile (<see cref="ApplicationServices.RunsAlone"/>): the CLI.</param>
    public static IServiceCollection AddMetaBackup(this IServiceCollection services, DataDirectory dataDirectory, Func<string, string?> environment, bool runsAlone = false)
    {
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(dataDirectory);
        services.AddSingleton(Stores);
        services.AddSingleton(ConnectionTesters);
        services.AddSingleton(_ => DatabaseProviders.For(dataDirectory, environment));
        services.AddSingleton(provider => new ConfigurationStore(
            dataDirectory,
            provider.GetRequiredService<IDatabaseProvider>(),
            environment,
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>()));
        // This instance as it claims runs in the database (docs/database.md, "Several instances"): one per composition.
        services.AddSingleton(_ => RunClaimant.ForThisInstance(environment));
        services.TryAddSingleton<IRunQueue>(provider => new InlineRunQueue(dataDirectory, provider.GetRequiredService<BackupStores>(), provider.GetRequiredService<RunClaimant>()));
        services.TryAddSingleton(new ImportLimits());
        services.AddSingleton(provider => new ApplicationServices(
            dataDirectory,
            provider.GetRequiredService<ConfigurationStore>().Keys,
            provider.GetRequiredService<BackupStores>(),
            provider.GetRequiredService<IReadOnlyList<IConnectionTester>>(),
            provider.GetRequiredService<IRunQueue>())
        {
            Imports = provider.GetRequiredService<ImportLimits>(),
            RunsAlone = runsAlone,
        });
        services.AddScoped<MetaBackupScope>();
        return services;
    }
}
