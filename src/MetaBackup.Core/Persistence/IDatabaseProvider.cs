using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// A database that can hold the configuration (SQLite now, PostgreSQL later). Implemented in
/// MetaBackup.Data, where the provider packages and each provider's migrations live.
/// </summary>
public interface IDatabaseProvider
{
    /// <summary>Where the configuration lives, for messages, e.g. "SQLite database /srv/mb/data/metabackup.db".</summary>
    string Description { get; }

    /// <summary>Whether the database exists at all; checked before anything could create it.</summary>
    bool DatabaseExists();

    DbContextOptions<ConfigurationDbContext> ContextOptions { get; }

    /// <summary>One-time settings of a newly created database (e.g. SQLite's journal mode).</summary>
    Task PrepareNewDatabaseAsync(ConfigurationDbContext context, CancellationToken cancellationToken);
}
