using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MetaBackup.Bench.EfCoreFloor;

/// <summary>A MetaBackup database's <c>encryption_profiles</c> table, and nothing else, with its compiled model.</summary>
public sealed class FloorContext(string databasePath) : DbContext
{
    public DbSet<StoredProfile> Profiles => Set<StoredProfile>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        optionsBuilder.UseSqlite($"Data Source={databasePath};Mode=ReadOnly");
        // The generator builds the model from OnModelCreating, and a run uses what it wrote; made again after a change of
        // the entity or of EF Core with `dotnet dotnet-ef dbcontext optimize --project bench/EfCoreFloor --startup-project
        // bench/EfCoreFloor --output-dir CompiledModel --namespace MetaBackup.Bench.EfCoreFloor.CompiledModel`.
        if (!EF.IsDesignTime)
        {
            optionsBuilder.UseModel(CompiledModel.FloorContextModel.Instance);
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<StoredProfile>().ToTable("encryption_profiles");
}

/// <summary>A row of <c>encryption_profiles</c>, as MetaBackup's migrations made the table.</summary>
public sealed class StoredProfile
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string Fingerprint { get; set; } = "";

    public string? Key { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>For `dotnet ef dbcontext optimize`, which makes <c>CompiledModel/</c> (no database is opened).</summary>
public sealed class DesignTimeFloorContextFactory : IDesignTimeDbContextFactory<FloorContext>
{
    public FloorContext CreateDbContext(string[] args) => new("design-time.db");
}
