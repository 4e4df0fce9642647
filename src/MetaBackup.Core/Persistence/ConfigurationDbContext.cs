using MetaBackup.Core.Adapters;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Auditing;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// The configuration store. Provider-neutral: the database provider and its migrations are chosen
/// by MetaBackup.Data. Natural keys are unique indexes; references are foreign keys that refuse
/// to dangle (<see cref="DeleteBehavior.Restrict"/>), so the database itself guards integrity.
/// </summary>
public sealed class ConfigurationDbContext : DbContext
{
    public ConfigurationDbContext(DbContextOptions<ConfigurationDbContext> options)
        : base(options)
    {
        // Every save in a transaction, even of one statement: on PostgreSQL a transaction is where a writer takes the
        // writers' lock (docs/database.md, "Transactions").
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    /// <summary>Stamps <see cref="ConfigRecord.CreatedAt"/> and <see cref="ConfigRecord.UpdatedAt"/>, as the database keeps them (<see cref="StoredTime"/>); tests substitute their own clock.</summary>
    public TimeProvider Clock { get; init => field = StoredTime.Clock(value); } = StoredTime.Clock(TimeProvider.System);

    /// <summary>When set, saving keeps the times records carry (an import restores them as they were).</summary>
    public bool PreserveTimestamps { get; set; }

    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<CredentialProfile> CredentialProfiles => Set<CredentialProfile>();
    public DbSet<Adapter> Adapters => Set<Adapter>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<SsoProvider> SsoProviders => Set<SsoProvider>();
    public DbSet<EncryptionProfile> EncryptionProfiles => Set<EncryptionProfile>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();
    public DbSet<Import.ImportSession> ImportSessions => Set<Import.ImportSession>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<SystemState> SystemState => Set<SystemState>();
    public DbSet<TaskRun> TaskRuns => Set<TaskRun>();
    public DbSet<Access.ServerKey> ServerKeys => Set<Access.ServerKey>();

    /// <summary>Every record of one area, whatever its type; used by machinery that walks all areas.</summary>
    public IQueryable<ConfigRecord> RecordsOf(ConfigurationArea area) =>
        (IQueryable<ConfigRecord>)typeof(DbContext).GetMethod(nameof(Set), Type.EmptyTypes)!
            .MakeGenericMethod(area.EntityType).Invoke(this, null)!;

    /// <summary>
    /// Every record of one area, untracked, in the order of their ids when <paramref name="byId"/>: the query by which
    /// whole areas are read (<see cref="ConfigurationSession.Records"/>), written once so that the CLI can have EF Core
    /// compile its very shape on the other core while a command starts (docs/performance.md, "Start-up").
    /// </summary>
    public IQueryable<ConfigRecord> RecordsToRead(ConfigurationArea area, bool byId)
    {
        var records = RecordsOf(area).AsNoTracking();
        return byId ? records.OrderBy(r => r.Id) : records;
    }

    /// <summary>
    /// How many records each area holds, keyed by area name: one plain query of a count per area's table (read in the
    /// context's transaction when it has one), not nine LINQ queries each compiled at first use (docs/performance.md, "Export").
    /// </summary>
    public Task<Dictionary<string, int>> CountRecordsAsync(CancellationToken cancellationToken) =>
        RawCommand.RunAsync(this, async command =>
        {
            var areas = ConfigurationAreas.All;
            command.CommandText = "SELECT " + string.Join(", ", areas.Select(a => $"(SELECT COUNT(*) FROM {TableOf(a)})"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return areas.Select((area, i) => (area.Name, Count: Convert.ToInt32(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)))
                .ToDictionary(c => c.Name, c => c.Count);
        }, cancellationToken);

    /// <summary>
    /// Whether no area holds a record: one query that stops at each table's first row, where counting them would read
    /// every row of a large configuration (the question an import asks before and inside its transaction, docs/database.md,
    /// "Loading in bulk").
    /// </summary>
    public Task<bool> HoldsNoRecordsAsync(CancellationToken cancellationToken) =>
        RawCommand.RunAsync(this, async command =>
        {
            command.CommandText = "SELECT CASE WHEN " + string.Join(" OR ", ConfigurationAreas.All.Select(a => $"EXISTS (SELECT 1 FROM {TableOf(a)})")) + " THEN 0 ELSE 1 END";
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }, cancellationToken);

    /// <summary>The quoted name of an area's table, for the plain queries above.</summary>
    private string TableOf(ConfigurationArea area) => $"\"{Model.FindEntityType(area.EntityType)!.GetTableName()}\"";

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTimes();
        var sealedUnder = FingerprintsOfSecretsBeingWritten();
        if (sealedUnder.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (Database.CurrentTransaction is not null)
        {
            await CheckSealedUnderKeyInForceAsync(sealedUnder, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await CheckSealedUnderKeyInForceAsync(sealedUnder, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Save with SaveChangesAsync: it checks secrets against the system key in force.");

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every EncryptedSecret column holds the envelope text; the type marks the field secret.
        configurationBuilder.Properties<EncryptedSecret>().HaveConversion<EncryptedSecretConverter>();
        configurationBuilder.Properties<AdapterKind>().HaveConversion<AdapterKindConverter>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Setting>(e =>
        {
            e.ToTable("settings");
            e.HasIndex(x => x.Key).IsUnique();
        });
        model.Entity<CredentialProfile>(e =>
        {
            e.ToTable("credential_profiles");
            e.HasIndex(x => x.Name).IsUnique();
        });
        model.Entity<EncryptionProfile>(e =>
        {
            e.ToTable("encryption_profiles");
            e.HasIndex(x => x.Fingerprint).IsUnique();
            e.HasIndex(x => x.Name).IsUnique();
            e.Ignore(x => x.IsLocked);
        });
        model.Entity<Group>(e =>
        {
            e.ToTable("groups");
            e.HasIndex(x => x.Name).IsUnique();
        });
        model.Entity<Adapter>(e =>
        {
            e.ToTable("adapters");
            e.HasIndex(x => new { x.Kind, x.Name }).IsUnique();
            e.HasOne<CredentialProfile>().WithMany().HasForeignKey(x => x.CredentialProfileId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<Job>(e =>
        {
            e.ToTable("jobs");
            e.HasIndex(x => x.Name).IsUnique();
            e.HasOne<Adapter>().WithMany().HasForeignKey(x => x.SourceAdapterId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<EncryptionProfile>().WithMany().HasForeignKey(x => x.EncryptionProfileId).OnDelete(DeleteBehavior.Restrict);
            e.OwnsMany(x => x.Destinations, d =>
            {
                d.ToTable("job_destinations");
                d.WithOwner().HasForeignKey("JobId");
                // The row's place in the list is its key with the job's (docs/database.md, "Lists").
                d.HasKey("JobId", nameof(JobDestination.Position));
                d.Property(x => x.Position).ValueGeneratedNever(); // given by PositionedList.NumberPositions when the job is normalised, never by the database
                d.HasOne<Adapter>().WithMany().HasForeignKey(x => x.AdapterId).OnDelete(DeleteBehavior.Restrict);
            });
            e.OwnsMany(x => x.Notifications, n =>
            {
                n.ToTable("job_notifications");
                n.WithOwner().HasForeignKey("JobId");
                // The row's place in the list is its key with the job's (docs/database.md, "Lists").
                n.HasKey("JobId", nameof(JobNotification.Position));
                n.Property(x => x.Position).ValueGeneratedNever(); // given by PositionedList.NumberPositions when the job is normalised, never by the database
                n.HasOne<Adapter>().WithMany().HasForeignKey(x => x.AdapterId).OnDelete(DeleteBehavior.Restrict);
            });
            e.Navigation(x => x.Destinations).AutoInclude();
            e.Navigation(x => x.Notifications).AutoInclude();
        });
        model.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasIndex(x => x.Email).IsUnique();
            e.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<SsoProvider>(e =>
        {
            e.ToTable("sso_providers");
            e.HasIndex(x => x.ProviderId).IsUnique();
            e.HasOne<Group>().WithMany().HasForeignKey(x => x.DefaultGroupId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasIndex(x => x.Prefix).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<ApiKeyUsage>(e =>
        {
            e.ToTable("api_key_usage");
            e.HasKey(x => x.ApiKeyId);
            e.Property(x => x.ApiKeyId).HasMaxLength(64);
            e.HasOne<ApiKey>().WithOne().HasForeignKey<ApiKeyUsage>(x => x.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Import.ImportSession>(e =>
        {
            e.ToTable("import_sessions");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => x.LastUsedAt);
        });
        model.Entity<AuditEvent>(e =>
        {
            e.ToTable("audit_events");
            e.HasIndex(x => x.At);
        });
        model.Entity<TaskRun>(e =>
        {
            e.ToTable("task_runs");
            e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => new { x.Task, x.StartedAt });
            e.Property(x => x.Owner).HasMaxLength(200);
            // One run per scheduled occurrence, whichever instance claims it first (docs/database.md, "Several instances").
            e.HasIndex(x => new { x.Task, x.DueAt }).IsUnique();
        });
        model.Entity<Access.ServerKey>(e =>
        {
            e.ToTable("server_keys");
            e.HasIndex(x => x.Name).IsUnique();
        });
        model.Entity<SystemState>(e =>
        {
            e.ToTable("system_state");
            e.HasKey(x => x.Key);
        });

        foreach (var area in ConfigurationAreas.All)
        {
            // Loading writes the stored id into the field; everything else goes through the property, which makes a
            // new record's id when it is first read (ConfigRecord.Id).
            model.Entity(area.EntityType).Property(nameof(ConfigRecord.Id)).HasMaxLength(64)
                .UsePropertyAccessMode(PropertyAccessMode.PreferFieldDuringConstruction);

            // A record's version (docs/api.md, "Versions"): every update and delete checks it has not moved.
            model.Entity(area.EntityType).Property(nameof(ConfigRecord.UpdatedAt)).IsConcurrencyToken();
        }
    }

    private void StampTimes()
    {
        if (PreserveTimestamps)
        {
            return;
        }

        var now = Clock.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries<ConfigRecord>())
        {
            if (entry.State == EntityState.Added)
            {
                entry.Entity.CreatedAt = entry.Entity.CreatedAt == default ? now : entry.Entity.CreatedAt;
                entry.Entity.UpdatedAt = entry.Entity.UpdatedAt == default ? now : entry.Entity.UpdatedAt;
            }
            else if (entry.State == EntityState.Modified || HasModifiedOwnedCollections(entry))
            {
                entry.Entity.UpdatedAt = now;
            }
        }
    }

    /// <summary>The system keys (fingerprints) that the secrets this save writes are sealed under.</summary>
    private HashSet<string> FingerprintsOfSecretsBeingWritten()
    {
        var fingerprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in ChangeTracker.Entries<ConfigRecord>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is EncryptedSecret secret && (entry.State == EntityState.Added || property.IsModified))
                {
                    fingerprints.Add(secret.KeyFingerprint ?? "");
                }
            }
        }

        return fingerprints;
    }

    /// <summary>
    /// The fingerprint of the system key the stored secrets are sealed under, or null before `init` stored one. Every
    /// command opening the store runs this query first, so it is written once: the CLI compiles this very query on the
    /// other core while a command starts (docs/performance.md, "Start-up"), and EF Core's query cache hands the result
    /// to the command.
    /// </summary>
    public Task<string?> ReadKeyFingerprintAsync(CancellationToken cancellationToken = default) =>
        SystemState.AsNoTracking().Where(s => s.Key == Persistence.SystemState.SystemKeyFingerprint).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Refuses to store a secret sealed under any key but the one the database says is in force
    /// (docs/secrets.md, "Rotation"). A command that opened the store before `system-key rotate` committed
    /// still holds the old key: what it seals would be unreadable once the old key is gone. Read inside
    /// the write transaction, so a rotation cannot commit between the check and the write (SQLite's
    /// transactions take the write lock when they begin). Every save checks it, and so does an import's insert of the
    /// records it creates beside the change tracker (<see cref="RecordInserter"/>).
    /// </summary>
    internal async Task CheckSealedUnderKeyInForceAsync(HashSet<string> sealedUnder, CancellationToken cancellationToken)
    {
        var staged = ChangeTracker.Entries<SystemState>().FirstOrDefault(e => e.Entity.Key == Persistence.SystemState.SystemKeyFingerprint && e.State is EntityState.Added or EntityState.Modified);
        var inForce = staged?.Entity.Value
            ?? await ReadKeyFingerprintAsync(cancellationToken);
        if (inForce is not null && sealedUnder.Any(f => f != inForce))
        {
            throw new ConflictException(
                $"The system key was rotated (to {inForce}) while this command ran with key {string.Join(", ", sealedUnder.Where(f => f != inForce))}; nothing was saved.",
                "Run the command again: it opens the store with the key now in force.");
        }
    }

    private static bool HasModifiedOwnedCollections(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<ConfigRecord> entry) =>
        entry.Navigations.Any(n => n.IsModified);

    /// <summary>Public for the compiled model (MetaBackup.Data), which names it.</summary>
    public sealed class EncryptedSecretConverter() : ValueConverter<EncryptedSecret, string>(v => v.Envelope, v => new EncryptedSecret(v));

    /// <summary>Public for the compiled model (MetaBackup.Data), which names it.</summary>
    public sealed class AdapterKindConverter() : ValueConverter<AdapterKind, string>(
        v => Kinds.Name(v),
        v => Kinds.Parse(v));
}
