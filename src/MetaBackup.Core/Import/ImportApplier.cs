using System.Reflection;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Import;

/// <summary>
/// Applies a plan inside the caller's transaction (docs/recovery.md, "All or nothing"), in the one order
/// that works whatever changed since the backup: first the unique values that records being renamed or
/// deleted give up are released; then creations and updates, area by area in dependency order, so that
/// what a record references exists when it is saved; then deletions, in reverse dependency order — by
/// then no record that stays refers to one that goes (a job that used an adapter absent from the backup
/// was updated first), and records that go are deleted before what they reference. Finally every stored
/// secret must decrypt under the current system key and every reference must resolve — else the caller
/// rolls everything back. A process killed at any point leaves the database as it was.
/// Into an empty configuration the records created are inserted as the planner plans them (<see cref="InsertBehind"/>),
/// the rest applied once the plan is whole.
/// </summary>
internal sealed class ImportApplier(ConfigurationSession session) : IDisposable
{
    private RecordInserter? _inserter;

    /// <summary>One inserter for the transaction's every insert: each table's INSERT prepared once.</summary>
    private RecordInserter Inserter => _inserter ??= session.NewRecordInserter();

    public void Dispose() => _inserter?.Dispose();

    /// <summary>
    /// An import into an empty configuration (docs/recovery.md, "Applying: all or nothing"): the planner hands over each
    /// record it plans to create, as it built it to plan it, and the records are inserted — their secrets sealed — on
    /// another thread while planning goes on, rather than built a second time from the document once the plan is whole
    /// (docs/performance.md, "Import"). Nothing else reads or writes the database until the planner is done: with no
    /// stored record, it has none to read. The caller's transaction holds it all, and a plan refused at its end, or not
    /// the plan expected, is rolled back with it; <see cref="ApplyAsync"/> then applies the rest, told that the
    /// records created are in.
    /// </summary>
    public WriteBehind<CreatedRecord> InsertBehind(CancellationToken cancellationToken) =>
        new(
            async (batch, stop) =>
            {
                foreach (var (record, secrets) in batch)
                {
                    SetSecrets(record, secrets);
                }

                await Inserter.InsertAsync(batch.ConvertAll(c => c.Record), stop);
            },
            BuildBatch,
            InsertBatchesBehind,
            cancellationToken);

    /// <param name="plan">The plan, made in the caller's transaction.</param>
    /// <param name="progress">Told of each step.</param>
    /// <param name="cancellationToken">Stops applying; the caller rolls back.</param>
    /// <param name="createdAsPlanned">The records the plan creates were inserted as it was made (<see cref="InsertBehind"/>).</param>
    public async Task ApplyAsync(ImportPlan plan, Action<string> progress, CancellationToken cancellationToken, bool createdAsPlanned = false)
    {
        var db = session.Db;
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An import is applied inside the transaction it was planned in.");
        }

        db.PreserveTimestamps = true;
        try
        {
            if (!createdAsPlanned)
            {
                progress("applying");
            }

            await TrackWhatChangesAsync(plan, cancellationToken);
            await ReleaseUniqueValuesAsync(plan, cancellationToken);
            // Area by area in dependency order: the area's updates (and settings) from the plan, then the records it
            // creates as the document is read again; saved a batch at a time inside the one transaction, and what was
            // created no longer tracked: every later save would otherwise scan it again (docs/performance.md, "Import").
            // The records created are built, and their secrets sealed, on another thread while those before them are
            // inserted (ReadAhead).
            var created = new List<ConfigRecord>();
            var inserter = Inserter;
            var creations = createdAsPlanned
                ? ImportPlanner.PlanningOrder.Select(area => (area, (ConfigRecord?)null, ImportPlanner.NoSecrets)).ToAsyncEnumerable()
                : ReadAhead.Of(Sealed(plan.Creations()), BuildBatch, BuildBatchesAhead, cancellationToken);
            await foreach (var (area, record, _) in creations)
            {
                if (record is null)
                {
                    await SaveAndInsertAsync(created, inserter, cancellationToken);
                    foreach (var item in plan.Work.Where(w => w.Area == area && w.Incoming is not null && w.Action is PlanAction.Create or PlanAction.Update))
                    {
                        if (item.Action == PlanAction.Create)
                        {
                            SetSecrets(item.Incoming!, item.Secrets);
                            created.Add(item.Incoming!);
                        }
                        else
                        {
                            CopyValues(item.Area, item.Incoming!, Tracked(item.Existing!));
                            SetSecrets(Tracked(item.Existing!), item.Secrets);
                        }
                    }

                    await SaveAndInsertAsync(created, inserter, cancellationToken);
                    continue;
                }

                created.Add(record);
                if (created.Count == SaveBatch)
                {
                    await SaveAndInsertAsync(created, inserter, cancellationToken);
                }
            }

            await SaveAndInsertAsync(created, inserter, cancellationToken);

            foreach (var area in ConfigurationAreas.All.Reverse())
            {
                foreach (var item in plan.Work.Where(w => w.Area == area && w.Action == PlanAction.Delete))
                {
                    db.Remove(Tracked(item.Existing!));
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            progress("verifying");
            PhaseBoundary.ReleaseGarbage(plan.Entries.Count);
            await VerifyAsync(plan, cancellationToken);
        }
        finally
        {
            db.PreserveTimestamps = false;
        }
    }

    private const int SaveBatch = 500;

    /// <summary>How many records built ahead are handed over at once, and how many such batches may wait (<see cref="ReadAhead"/>).</summary>
    private const int BuildBatch = 256;

    private const int BuildBatchesAhead = 4;

    /// <summary>How many batches of records planned wait to be inserted (<see cref="InsertBehind"/>).</summary>
    private const int InsertBatchesBehind = 2;

    /// <summary>How many stored secrets the verification hands over to be opened at once (<see cref="VerifyAsync"/>).</summary>
    private const int SecretsOpenedAtOnce = 512;

    /// <summary>How many batches of <see cref="SecretsOpenedAtOnce"/> secrets wait to be opened at most.</summary>
    private const int SecretBatchesBehind = 2;

    /// <summary>The records created, each with its secrets sealed.</summary>
    private IEnumerable<(ConfigurationArea Area, ConfigRecord? Record, IReadOnlyDictionary<string, SecretText?> Secrets)> Sealed(
        IEnumerable<(ConfigurationArea Area, ConfigRecord? Record, IReadOnlyDictionary<string, SecretText?> Secrets)> creations)
    {
        foreach (var creation in creations)
        {
            if (creation.Record is not null)
            {
                SetSecrets(creation.Record, creation.Secrets);
            }

            yield return creation;
        }
    }

    private readonly Dictionary<(Type, string), ConfigRecord> _tracked = [];

    /// <summary>
    /// The planner read the stored records without tracking them (every save would otherwise scan them all): those this
    /// import updates or deletes are read again here, tracked, a few hundred ids to a query (the ids as one parameter,
    /// as the planner reads them: see ImportPlanner.ReadStoredAsync).
    /// </summary>
    private async Task TrackWhatChangesAsync(ImportPlan plan, CancellationToken cancellationToken)
    {
        foreach (var items in plan.Work.Where(w => w.Existing is not null && w.Action is PlanAction.Update or PlanAction.Delete).GroupBy(w => w.Area))
        {
            foreach (var ids in items.Select(w => w.Existing!.Id).Distinct().Chunk(SaveBatch))
            {
                foreach (var record in await session.Db.RecordsOf(items.Key).Where(r => EF.Parameter(ids).Contains(r.Id)).ToListAsync(cancellationToken))
                {
                    _tracked[(record.GetType(), record.Id)] = record;
                }
            }
        }
    }

    /// <summary>The tracked instance of a stored record the plan changes.</summary>
    private ConfigRecord Tracked(ConfigRecord record) => _tracked[(record.GetType(), record.Id)];

    /// <summary>
    /// Saves what is tracked, then inserts the records created since: straight through prepared commands, untracked
    /// (docs/performance.md, "Import") — a batch at a time, so that memory holds one batch.
    /// </summary>
    private async Task SaveAndInsertAsync(List<ConfigRecord> created, RecordInserter inserter, CancellationToken cancellationToken)
    {
        await session.Db.SaveChangesAsync(cancellationToken);
        await inserter.InsertAsync(created, cancellationToken);
        created.Clear();
    }

    /// <summary>
    /// A record this import creates or renames may take a name that another record still holds at that
    /// moment: one of the same import (two groups that swapped names since the backup), or one the import
    /// deletes (a profile of the same name but another key). A database checks unique indexes row by row,
    /// so every unique text value that an update changes or a deletion gives up first becomes a
    /// placeholder unique to its record; the real values follow. The unique indexes come from the EF
    /// model, so no list repeats them here.
    /// </summary>
    private async Task ReleaseUniqueValuesAsync(ImportPlan plan, CancellationToken cancellationToken)
    {
        var db = session.Db;
        var released = false;
        foreach (var items in plan.Work.Where(w => w.Action is PlanAction.Update or PlanAction.Delete).GroupBy(w => w.Area))
        {
            var uniqueText = db.Model.FindEntityType(items.Key.EntityType)!.GetIndexes()
                .Where(i => i.IsUnique)
                .SelectMany(i => i.Properties)
                .Where(p => p.ClrType == typeof(string) && p.PropertyInfo is not null)
                .Select(p => p.PropertyInfo!)
                .Distinct()
                .ToList();
            foreach (var item in items)
            {
                var givenUp = item.Action == PlanAction.Delete
                    ? uniqueText
                    : uniqueText.Where(p => !Equals(p.GetValue(item.Existing), p.GetValue(item.Incoming)));
                foreach (var property in givenUp)
                {
                    property.SetValue(Tracked(item.Existing!), $"\u0001import-placeholder-{item.Existing!.Id}");
                    released = true;
                }
            }
        }

        if (released)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Every non-secret value of the backup's record onto the stored one (its id stays).</summary>
    private static void CopyValues(ConfigurationArea area, ConfigRecord incoming, ConfigRecord existing)
    {
        foreach (var property in area.EntityType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanWrite && property.Name != nameof(ConfigRecord.Id) && property.PropertyType != typeof(EncryptedSecret))
            {
                property.SetValue(existing, property.GetValue(incoming));
            }
        }
    }

    private void SetSecrets(ConfigRecord record, IReadOnlyDictionary<string, SecretText?> secrets)
    {
        foreach (var (property, value) in secrets)
        {
            record.GetType().GetProperty(property)!.SetValue(record, value is null ? null : session.Secrets.Seal(value));
        }
    }

    /// <summary>
    /// After applying: every secret opens under the current key — but those the plan found unreadable
    /// and leaves alone — and every reference resolves. The database already refused, as each row was written, a
    /// reference held in a foreign key (<see cref="ForeignKeyReferences"/>: every declared reference of a record), so
    /// what is read here is the records with secrets and those whose references no key holds: the settings that name
    /// a record (docs/performance.md, "Import").
    /// </summary>
    private async Task VerifyAsync(ImportPlan plan, CancellationToken cancellationToken)
    {
        // The references left to check, by the area whose records hold them; a setting's is the settings area's.
        var model = session.Db.Model;
        var leftToCheck = ConfigurationAreas.All.SelectMany(a => a.References.Select(r => (Area: a, Reference: r)))
            .Concat(Settings.SettingKeys.References.Values.Select(r => (Area: ConfigurationAreas.Settings, Reference: r)))
            .Where(c => ForeignKeyReferences.KeyOf(model, c.Area, c.Reference) is null)
            .ToHashSet();
        var targets = leftToCheck.Select(c => c.Reference.Target).ToHashSet();

        // Read as a stream, one record at a time, ids kept as hashes (docs/performance.md, "Import"): first the ids
        // those references may point to (each set sized once by a count), then each record's secrets and references.
        var ids = new Dictionary<string, HashSet<ValueHash>>();
        foreach (var area in ConfigurationAreas.All.Where(a => targets.Contains(a.Name)))
        {
            ids[area.Name] = new HashSet<ValueHash>(await session.Db.RecordsOf(area).CountAsync(cancellationToken));
            await foreach (var id in session.IdsOf(area, cancellationToken))
            {
                ids[area.Name].Add(ValueHash.Of(id));
            }
        }

        // An area whose records hold no reference left to check is read as its secrets alone, opened on another thread while
        // the rows after them are read: each about half of verifying (docs/performance.md, "Import"). The first that does
        // not open is thrown here, as it was thrown.
        await using (var opening = new WriteBehind<EncryptedSecret>(OpenAll, SecretsOpenedAtOnce, SecretBatchesBehind, cancellationToken))
        {
            foreach (var area in ConfigurationAreas.All.Where(a => a.SecretProperties.Count > 0 && !leftToCheck.Any(c => c.Area == a)))
            {
                await foreach (var (id, secrets) in session.SecretsOf(area, cancellationToken))
                {
                    for (var i = 0; i < secrets.Length; i++)
                    {
                        if (secrets[i] is { } secret && !plan.KeptUnreadable.Contains(new StoredSecret(area, id, area.SecretProperties[i])))
                        {
                            opening.Add(secret);
                        }
                    }

                    await opening.HandOverAsync(cancellationToken);
                }
            }

            await opening.CompleteAsync(cancellationToken);
        }

        foreach (var area in ConfigurationAreas.All.Where(a => leftToCheck.Any(c => c.Area == a)))
        {
            await foreach (var record in session.Records(area, cancellationToken))
            {
                foreach (var property in area.SecretProperties)
                {
                    if (property.GetValue(record) is EncryptedSecret secret && !plan.KeptUnreadable.Contains(new StoredSecret(area, record.Id, property)))
                    {
                        session.Secrets.Open(secret);
                    }
                }

                // Read through the serializer's contract, as the record's JSON would give them (RecordFields).
                foreach (var reference in RecordFields.ReferencesOf(area, record).Where(r => leftToCheck.Contains((area, r))))
                {
                    foreach (var target in RecordFields.TargetsIn(area, record, reference))
                    {
                        if (!ids[reference.Target].Contains(ValueHash.Of(target)))
                        {
                            throw new MetaBackupException($"After the import, {area.Singular} {record.Id} would point to a missing {reference.Target} record {target}; nothing was changed.");
                        }
                    }
                }
            }
        }
    }

    /// <summary>Opens each secret, or throws for the first that does not open; what they hold is not kept.</summary>
    private Task OpenAll(List<EncryptedSecret> secrets, CancellationToken cancellationToken)
    {
        foreach (var secret in secrets)
        {
            session.Secrets.Open(secret);
        }

        return Task.CompletedTask;
    }
}
