using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace MetaBackup.Data.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL model (no connection is made); see docs/development.md.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<ConfigurationDbContext>
{
    public ConfigurationDbContext CreateDbContext(string[] args) =>
        new(PostgresDatabaseProvider.OptionsFor("Host=localhost;Database=metabackup_design", "the design-time model", compiledModel: false));
}
