using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace MetaBackup.Data.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the model; see docs/development.md.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<ConfigurationDbContext>
{
    public ConfigurationDbContext CreateDbContext(string[] args) =>
        new(new SqliteDatabaseProvider(Path.Combine(Path.GetTempPath(), "metabackup-design.db")).ContextOptions);
}
