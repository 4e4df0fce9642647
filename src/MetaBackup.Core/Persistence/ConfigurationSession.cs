using MetaBackup.Core.Access;
using MetaBackup.Core.Auditing;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// An open configuration store: the database context, the cipher under the current system key,
/// the clock and who is acting. Services are built over one session; dispose it when done.
/// </summary>
public sealed class ConfigurationSession(
    ConfigurationDbContext db,
    IDatabaseProvider database,
    SystemKey systemKey,
    TimeProvider clock,
    Actor actor,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    public ConfigurationDbContext Db { get; } = db;

    public SystemKey SystemKey { get; } = systemKey;

    public SecretCipher Secrets { get; } = new(systemKey.Key);

    public TimeProvider Clock { get; } = clock;

    /// <summary>Who is acting: for the permission checks and the audit log (e.g. <c>cli:alice</c>, <c>user:alice@example.com</c>).</summary>
    public Actor Actor { get; } = actor;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>Reads one consistent snapshot without holding up writers (see <see cref="IDatabaseProvider.BeginReadSnapshotAsync"/>).</summary>
    public Task<IDbContextTransaction> BeginReadSnapshotAsync(CancellationToken cancellationToken) => database.BeginReadSnapshotAsync(Db, cancellationToken);

    /// <summary>Changes what it read, with every other writer kept out meanwhile (see <see cref="IDatabaseProvider.BeginWriteAsync"/>).</summary>
    public Task<IDbContextTransaction> BeginWriteAsync(CancellationToken cancellationToken) => database.BeginWriteAsync(Db, cancellationToken);

    /// <summary>
    /// The time by the database's clock, shared by every instance on it (see <see cref="IDatabaseProvider.NowAsync"/>),
    /// read on the session's context or on <paramref name="context"/> (one from <see cref="NewContext"/>).
    /// </summary>
    public Task<DateTimeOffset> DatabaseNowAsync(CancellationToken cancellationToken, ConfigurationDbContext? context = null) =>
        database.NowAsync(context ?? Db, cancellationToken);

    /// <summary>
    /// Inserts the records an import creates, untracked, inside the current transaction, the fastest way the database
    /// offers; one for the whole of the transaction's inserts, so each table's INSERT is prepared once.
    /// </summary>
    internal RecordInserter NewRecordInserter() => new(Db, database);

    /// <summary>Drops the configuration's secondary indexes for a load into an empty configuration, in the current transaction (<see cref="IndexesSetAside"/>).</summary>
    internal Task<IndexesSetAside> SetIndexesAsideAsync(CancellationToken cancellationToken) => IndexesSetAside.DropAsync(Db, database, cancellationToken);

    /// <summary>Takes the database alone for a bulk load, before its transaction (<see cref="IDatabaseProvider.TakeAloneForBulkLoadAsync"/>).</summary>
    internal Task<IAsyncDisposable?> TakeAloneForBulkLoadAsync(CancellationToken cancellationToken) => database.TakeAloneForBulkLoadAsync(Db, cancellationToken);

    /// <summary>
    /// A context of its own on the same database, without the session's key or actor: for work beside the session's own
    /// transaction, such as renewing a run's lease while the run reads its snapshot (<see cref="Scheduling.RunLease"/>).
    /// </summary>
    public ConfigurationDbContext NewContext() => new(database.ContextOptions);

    /// <summary>
    /// Every record of <paramref name="area"/>, untracked, one at a time (in the order of their ids when
    /// <paramref name="byId"/>), read the way the database reads fastest (<see cref="IDatabaseProvider.Stream"/>).
    /// </summary>
    public ConfiguredCancelableAsyncEnumerable<ConfigRecord> Records(ConfigurationArea area, CancellationToken cancellationToken, bool byId = false)
    {
        return database.Stream(Db.RecordsToRead(area, byId)).WithCancellation(cancellationToken);
    }

    /// <summary>
    /// Each record of <paramref name="area"/> as its id and its sealed secrets (in the order of
    /// <see cref="ConfigurationArea.SecretProperties"/>, null where it has none), read as <see cref="Records"/> reads
    /// records but only those columns: an import's verification opens every secret it stored, and materialising whole
    /// records — an adapter's configuration, a user's every field — was most of its time (docs/performance.md, "Import").
    /// </summary>
    public ConfiguredCancelableAsyncEnumerable<(string Id, EncryptedSecret?[] Secrets)> SecretsOf(ConfigurationArea area, CancellationToken cancellationToken) =>
        database.Stream(Db.RecordsOf(area).Select(SecretColumns.GetOrAdd(area, SecretColumnsOf)))
            .Select(row => ((string)row[0]!, SecretsIn(row)))
            .WithCancellation(cancellationToken);

    /// <summary>A row's secrets, after its id: copied into an array of their type by a loop (a slice, a cast and a copy made three objects a row).</summary>
    private static EncryptedSecret?[] SecretsIn(object?[] row)
    {
        var secrets = new EncryptedSecret?[row.Length - 1];
        for (var i = 0; i < secrets.Length; i++)
        {
            secrets[i] = (EncryptedSecret?)row[i + 1];
        }

        return secrets;
    }

    private static readonly ConcurrentDictionary<ConfigurationArea, Expression<Func<ConfigRecord, object?[]>>> SecretColumns = new();

    /// <summary><c>r => new object[] { r.Id, ((T)r).Secret1, … }</c>: a projection EF Core reads as those columns alone.</summary>
    private static Expression<Func<ConfigRecord, object?[]>> SecretColumnsOf(ConfigurationArea area)
    {
        var record = Expression.Parameter(typeof(ConfigRecord), "r");
        var typed = Expression.Convert(record, area.EntityType);
        var columns = new[] { Expression.Property(record, nameof(ConfigRecord.Id)) }
            .Concat(area.SecretProperties.Select(p => Expression.Property(typed, p)))
            .Select(column => Expression.Convert(column, typeof(object)));
        return Expression.Lambda<Func<ConfigRecord, object?[]>>(Expression.NewArrayInit(typeof(object), columns), record);
    }

    /// <summary>The ids of every record of <paramref name="area"/>, read as <see cref="Records"/> reads records.</summary>
    public ConfiguredCancelableAsyncEnumerable<string> IdsOf(ConfigurationArea area, CancellationToken cancellationToken) =>
        database.Stream(Db.RecordsOf(area).Select(r => r.Id)).WithCancellation(cancellationToken);

    /// <summary>The failure as a conflict when it means someone else held or changed the database (<see cref="DatabaseErrors"/>), else null.</summary>
    public Configuration.ConflictException? AsConflict(Exception failure) => DatabaseErrors.AsConflict(failure, database);

    public ILogger<T> Logger<T>() => LoggerFactory.CreateLogger<T>();

    /// <summary>Records an audited action; saved with the caller's next <c>SaveChanges</c>.</summary>
    /// <param name="action">What was done, e.g. <c>users.add</c>.</param>
    /// <param name="target">What it was done to.</param>
    /// <param name="actorName">Who did it, when it is not the session's actor (a sign-in names the user it signed in).</param>
    public void Audit(string action, string target, string? actorName = null) =>
        Db.AuditEvents.Add(new AuditEvent { At = Clock.GetUtcNow(), Actor = actorName ?? Actor.Name, Action = action, Target = target, RemoteAddress = Actor.RemoteAddress });

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
