using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Import;

/// <summary>
/// Works out what an import will do, record by record (docs/recovery.md, "Conflict resolution"), changing
/// nothing: same id → update; new id whose natural key matches → update that record and remap every
/// reference to it — in full mode, replace it by the backup's record, so that afterwards even the ids are
/// the backup's; new id → create; a reference to a record in neither the backup nor the database →
/// skip with a warning naming it; in full mode, records absent from the backup → delete.
/// </summary>
internal sealed class ImportPlanner(ConfigurationSession session, DocumentSource document, DocumentInfo info, ImportOptions options)
{
    /// <summary>The stored records, as an index: the records themselves are read as the plan reaches them (<see cref="PlanRecordsAsync"/>).</summary>
    private StoredRecordIndex _stored = null!;

    /// <summary>How many records each area stores, as the planning began.</summary>
    private IReadOnlyDictionary<string, int> _storedCounts = null!;

    /// <summary>The stored settings, few: kept whole, as <see cref="CheckSettingsTogether"/> reads them all.</summary>
    private readonly List<Setting> _storedSettings = [];

    /// <summary>The secrets of an entry that sets none: one shared instance, as a plan may hold a million entries.</summary>
    internal static readonly IReadOnlyDictionary<string, SecretText?> NoSecrets = new Dictionary<string, SecretText?>();

    /// <summary>
    /// The backup's records as an index: the one validation made as it checked their ids (<see cref="DocumentValidator"/>),
    /// taken when the planner is made, so that planning reads the document once less (docs/performance.md, "Import").
    /// </summary>
    private readonly BackupRecordIndex _backup = document.TakeRecordIndex()
        ?? throw new InvalidOperationException("A document is planned once, after it was validated: validation indexes its records.");

    /// <summary>Full mode: database records that a backup record of the same natural key but another id replaces.</summary>
    private readonly Dictionary<(string Area, string BackupId), ConfigRecord> _replacing = [];
    private readonly List<string> _warnings = [];
    private readonly List<string> _problems = [];

    /// <summary>How many of <see cref="_problems"/> are between two records of the backup alone, none stored.</summary>
    private int _problemsWithinBackup;
    private readonly HashSet<StoredSecret> _unreadable = [];
    private readonly HashSet<StoredSecret> _replaced = [];

    private readonly IncomingRecords _incoming = new(session.Secrets, info.IncludeSecrets);

    /// <summary>The plan's entries, in the order they are planned in (until <see cref="PlanAsync"/> sorts them for showing).</summary>
    private readonly PlanEntries _entries = new(document.RecordCount);

    /// <summary>How many stored records the planner reads with one query.</summary>
    private const int StoredBatch = 1000;

    /// <summary>How many records the reading thread hands over at a time (<see cref="InPlanningOrder"/>), and how many such batches wait at most.</summary>
    private const int ReadBatch = 256;

    private const int ReadBatchesAhead = 4;

    /// <summary>
    /// Dependency order, except that settings come last: a few settings name records of other areas
    /// (<see cref="SettingKeys.References"/>), so whether those records will exist must be known first.
    /// Settings have no foreign keys, so the order they are written in does not matter.
    /// </summary>
    internal static IEnumerable<ConfigurationArea> PlanningOrder =>
        ConfigurationAreas.All.Where(a => a != ConfigurationAreas.Settings).Append(ConfigurationAreas.Settings);

    /// <summary>Where the records created are handed over as they are planned, in an import into an empty configuration (<see cref="ImportApplier.InsertBehind"/>).</summary>
    private WriteBehind<CreatedRecord>? _creating;

    /// <param name="cancellationToken">Stops planning.</param>
    /// <param name="creating">
    /// Given only when the configuration holds no record: each record the plan creates (but settings, which are planned
    /// last and checked together) is handed over there as soon as it is planned, until the plan finds a problem.
    /// </param>
    public async Task<ImportPlan> PlanAsync(CancellationToken cancellationToken, WriteBehind<CreatedRecord>? creating = null)
    {
        CheckOptions();
        await IndexStoredRecordsAsync(cancellationToken);
        if (creating is not null && _storedCounts.Values.Any(count => count > 0))
        {
            throw new InvalidOperationException("Records are created as they are planned only into an empty configuration.");
        }

        _creating = creating;
        await MatchByNaturalKeyAsync(cancellationToken);

        var work = new List<PlannedRecord>();
        await PlanRecordsAsync(work, cancellationToken);

        CheckSettingsTogether(work);
        await ProtectWhatSkippedRecordsStillUseAsync(work, cancellationToken);
        await PlanDeletionsAsync(work, cancellationToken);

        var keptUnreadable = ReportUnreadableSecrets();
        await CheckFinalUniquenessAsync(work, cancellationToken);
        // Shown in dependency order, deletions last in the order they were planned in.
        var position = ConfigurationAreas.All.Select((a, i) => (a.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _entries.SortBy(position.Count + 1, (area, action) => action == PlanAction.Delete ? position.Count : position[area]);
        if (_problems.Count > 0)
        {
            var listed = $"{string.Join("; ", _problems.Take(5))}{(_problems.Count > 5 ? $"; and {_problems.Count - 5} more" : "")}.";
            throw _problemsWithinBackup == _problems.Count
                ? new ImportRefusedException(
                    $"Records of the backup would be one record once imported: {listed}",
                    "Nothing was changed. Their values differ in the file only as the import normalises them (surrounding spaces, letter case of an email address): correct one of them in the file, or leave one out with a selective import.",
                    _problems)
                : new ImportRefusedException(
                    $"The backup conflicts with this database: {listed}",
                    "Nothing was changed. A full import replaces the records in the way; or rename them first.",
                    _problems);
        }

        return new ImportPlan(options, info, _entries, work, [.. info.Warnings, .. _warnings], keptUnreadable, Creations);
    }

    /// <summary>The stored records of these ids, untracked, read a batch at a time; a missing one is an error.</summary>
    private async Task<Dictionary<string, ConfigRecord>> ReadStoredAsync(ConfigurationArea area, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ConfigRecord>(StringComparer.Ordinal);
        foreach (var batch in ids.Distinct().Chunk(StoredBatch))
        {
            if (_creating is not null)
            {
                // Records are being inserted on the connection by another thread: an empty configuration has none to read.
                throw new InvalidOperationException("A stored record was read while the records created were being inserted.");
            }

            // The ids as one array-like parameter: expanded into a parameter each, EF Core processed the SQL again at
            // every batch — more time than reading the records.
            foreach (var record in await session.Db.RecordsOf(area).AsNoTracking().Where(r => EF.Parameter(batch).Contains(r.Id)).ToListAsync(cancellationToken))
            {
                found[record.Id] = record;
            }

            if (batch.FirstOrDefault(id => !found.ContainsKey(id)) is { } missing)
            {
                // The index said it was stored: only an id made to hash as a stored one's gets here.
                throw new MetaBackupException($"The {area.Singular} {missing} of the backup has an id this import cannot tell from a stored record's; nothing was changed. Change its id in the file before importing.");
            }
        }

        return found;
    }

    /// <summary>
    /// One pass over every stored record: one whose id is the backup's is the record it updates (matched by id), any
    /// other goes into <see cref="_stored"/>; and the secrets it holds that do not open under the system key — damaged,
    /// or sealed under another key. Those must not stop the import that may be what repairs them (docs/recovery.md,
    /// "Damaged secrets").
    /// </summary>
    private async Task IndexStoredRecordsAsync(CancellationToken cancellationToken)
    {
        _storedCounts = await session.Db.CountRecordsAsync(cancellationToken);
        _stored = new StoredRecordIndex(a => Math.Max(0, _storedCounts.GetValueOrDefault(a.Name) - document.RecordsIn(a)), options.Mode == ImportMode.Full);
        foreach (var area in ConfigurationAreas.All)
        {
            await foreach (var record in session.Records(area, cancellationToken))
            {
                if (_backup.Contains(area.Name, record.Id))
                {
                    _backup.SetStored(area.Name, record.Id, record is Adapter adapter ? Kinds.Name(adapter.Kind) : null);
                }
                else
                {
                    _stored.Add(area, record);
                }

                if (record is Setting setting)
                {
                    _storedSettings.Add(setting);
                }

                foreach (var property in area.SecretProperties)
                {
                    if (property.GetValue(record) is EncryptedSecret secret && session.Secrets.TryOpen(secret) is null)
                    {
                        _unreadable.Add(new StoredSecret(area, record.Id, property) { Key = KeyOf(area, record) });
                    }
                }
            }
        }
    }

    /// <summary>Whether a record of this id is stored.</summary>
    private bool IsStored(string area, string id) => _backup.Stored(area, id) || _stored.Contains(area, id);

    /// <summary>Whether the import deletes the stored record of this id (one of the backup's ids is never deleted: its record updates it).</summary>
    private bool Deletes(string area, string id) => !_backup.Stored(area, id) && _stored.Deleted(area, id);

    private void CheckOptions()
    {
        if (options.Mode != ImportMode.Selective && (options.Areas is { Count: > 0 } || options.Ids is { Count: > 0 }))
        {
            throw new InvalidInputException("Areas and records are chosen only by a selective import.", "Use the selective mode with them.");
        }

        if (options.Mode == ImportMode.Selective && options.Areas is not { Count: > 0 })
        {
            throw new InvalidInputException("A selective import needs the areas to import.", $"Areas: {string.Join(", ", ConfigurationAreas.All.Select(a => a.Name))}.");
        }

        var unknown = (options.Areas ?? []).Where(a => ConfigurationAreas.All.All(x => x.Name != a)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidInputException($"Unknown area(s): {string.Join(", ", unknown)}.", $"Areas: {string.Join(", ", ConfigurationAreas.All.Select(a => a.Name))}.");
        }
    }

    /// <summary>
    /// Plans every record in <see cref="PlanningOrder"/>, reading the document as a stream (see
    /// <see cref="InPlanningOrder"/>: one pass for a document an export wrote). The stored records the records update
    /// are read a batch at a time, as the plan reaches them.
    /// </summary>
    private async Task PlanRecordsAsync(List<PlannedRecord> work, CancellationToken cancellationToken)
    {
        // How many records of each area the plan has reached, in scope or not: an area reached whole is planned.
        var reached = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => 0);
        // Read ahead unless records are inserted as they are planned: that thread is then the one the others wait for,
        // and the records read ahead would only outlive more collections (docs/performance.md, "Import").
        foreach (var read in InPlanningOrder(readAhead: _creating is null, cancellationToken).Chunk(StoredBatch))
        {
            var batch = read.Where(InScope).ToArray();
            // The id of the stored record each one updates; by area and id, as records of two areas may share an id.
            var storedIds = batch.Select(r => _backup.Matched(r.Area.Name, r.Id) ? _backup.FinalIdOf(r.Area.Name, r.Id) : null).ToArray();
            var updated = new Dictionary<(ConfigurationArea Area, string Id), ConfigRecord>();
            foreach (var area in batch.Select(r => r.Area).Distinct())
            {
                var ids = batch.Select((r, i) => r.Area == area ? storedIds[i] : null).OfType<string>();
                foreach (var (id, record) in await ReadStoredAsync(area, ids, cancellationToken))
                {
                    updated[(area, id)] = record;
                }
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var existing = storedIds[i] is { } storedId ? updated[(batch[i].Area, storedId)] : null;
                var (entry, plannedRecord) = PlanRecord(batch[i], existing, _entries.Count);
                _entries.Add(entry);
                if (plannedRecord is not null)
                {
                    work.Add(plannedRecord);
                }

                if (_creating is not null)
                {
                    // A batch handed over as soon as it is full: records waiting longer outlive the collector's first
                    // generation, and a million of them made the import's peak memory grow (docs/performance.md, "Import").
                    await _creating.HandOverAsync(cancellationToken);
                }
            }

            foreach (var record in read)
            {
                if (++reached[record.Area.Name] == document.RecordsIn(record.Area))
                {
                    Planned(record.Area);
                }
            }
        }
    }

    /// <summary>
    /// An area is planned: two of its records bringing the same unique value were found as they were planned
    /// (<see cref="Brings"/>), so its values are still needed only against the stored records of the area, at the end
    /// (<see cref="CheckFinalUniquenessAsync"/>) — and an area with none lets them go. Importing a million records into
    /// an empty configuration held every area's values at once until the end of planning, its peak: 20 MiB more than
    /// the largest area's alone (docs/performance.md, "Memory at a million records").
    /// </summary>
    private void Planned(ConfigurationArea area)
    {
        if (_storedCounts.GetValueOrDefault(area.Name) == 0)
        {
            foreach (var field in area.UniqueFields)
            {
                _brought.Remove((area.Name, field));
            }

            if (_creating is not null)
            {
                // Records are being inserted meanwhile: the area's tables (a large block each) are freed now, before the
                // next area's, rather than held beside them until the collector reaches them (docs/performance.md, "Import").
                PhaseBoundary.ReleaseGarbage(document.RecordsIn(area));
            }
        }
    }

    /// <summary>How many records that come too early in the document a pass holds for its end rather than read again.</summary>
    private const int HeldAtMost = 1_000;

    /// <summary>
    /// The document's records in <see cref="PlanningOrder"/>. A pass yields, in the document's order, the records of
    /// each area whose predecessors are all planned. An area that comes too early — the settings, which an export
    /// writes first and which are planned last — is held while the pass goes on, when its records are few, and yielded
    /// once the pass has read the document to its end (so that what it yields is what the first read checked);
    /// else another pass reads it. An area's records are one array of the document, never split.
    /// </summary>
    /// <param name="readAhead">
    /// Whether the document is read — decrypted, decompressed, each record parsed — on a thread of its own, a few batches
    /// ahead of the planner (<see cref="ReadAhead.OnItsOwnThread"/>): reading is a large part of planning, and the other
    /// core was often idle meanwhile (docs/performance.md, "Import"). Not for the applier's <see cref="Creations"/>, which
    /// runs on a read-ahead thread already, nor while records are inserted behind the planner.
    /// </param>
    /// <param name="cancellationToken">Stops the reading thread.</param>
    private IEnumerable<BackupRecord> InPlanningOrder(bool readAhead = false, CancellationToken cancellationToken = default)
    {
        var order = PlanningOrder.ToList();
        var read = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => 0);
        bool Complete(ConfigurationArea area) => read[area.Name] == document.RecordsIn(area);
        // Once ready an area stays ready (its predecessors stay complete): asked for every record, found once an area —
        // the query, whose lambda makes a closure of the area, only until then.
        var ready = new HashSet<ConfigurationArea>();
        bool Ready(ConfigurationArea area) => ready.Contains(area) || BecomesReady(area);
        bool BecomesReady(ConfigurationArea area) => order.TakeWhile(a => a != area).All(Complete) && ready.Add(area);
        while (!order.All(Complete))
        {
            var progressed = false;
            List<BackupRecord>? held = [];
            var records = readAhead ? ReadAhead.OnItsOwnThread(document.Records(), ReadBatch, ReadBatchesAhead, cancellationToken) : document.Records();
            foreach (var record in records)
            {
                var area = record.Area;
                if (Complete(area))
                {
                    continue;
                }

                if (!Ready(area))
                {
                    if (held is { Count: < HeldAtMost })
                    {
                        held.Add(record);
                    }
                    else
                    {
                        held = null;
                    }

                    continue;
                }

                read[area.Name]++;
                progressed = true;
                yield return record;
            }

            foreach (var area in held is null ? [] : order)
            {
                var itsRecords = held!.Where(r => r.Area == area).ToList();
                if (Complete(area) || !Ready(area) || itsRecords.Count != document.RecordsIn(area) - read[area.Name])
                {
                    continue;
                }

                foreach (var record in itsRecords)
                {
                    read[area.Name]++;
                    progressed = true;
                    yield return record;
                }
            }

            if (!progressed)
            {
                throw new InvalidOperationException("Planning made no progress over the document.");
            }
        }
    }

    private bool InScope(BackupRecord record) =>
        options.Mode != ImportMode.Selective
        || (options.Areas!.Contains(record.Area.Name) && (options.Ids is not { Count: > 0 } || options.Ids.Contains(record.Id)));

    /// <summary>
    /// Pairs every record of the backup with the database record it will update: by id first (as the stored records
    /// were indexed); then, for the rest, by natural key among the database records no backup record claimed by id. A
    /// record whose name another record of the backup takes over by id is renamed by it, so the newcomer is created
    /// rather than merged into it. In full mode, the stored records no backup record updates are deleted.
    /// </summary>
    private async Task MatchByNaturalKeyAsync(CancellationToken cancellationToken)
    {
        // The stored records no backup record claimed by id, by the hash of their natural key (the first of a key),
        // read one at a time: what is kept grows with the stored configuration, not with the backup — a million
        // records validated against ten thousand others once kept the id of each of the million (docs/performance.md,
        // "Memory at a million records").
        var unclaimed = new Dictionary<ConfigurationArea, Dictionary<ValueHash, string>>();
        foreach (var area in ConfigurationAreas.All.Where(a => _stored.CountIn(a) > 0))
        {
            var byKey = new Dictionary<ValueHash, string>();
            await foreach (var stored in session.Records(area, cancellationToken))
            {
                if (_stored.Contains(area.Name, stored.Id))
                {
                    byKey.TryAdd(ValueHash.Of(KeyOf(area, stored)), stored.Id);
                }
            }

            if (byKey.Count > 0)
            {
                unclaimed[area] = byKey;
            }
        }

        if (unclaimed.Count == 0)
        {
            return;
        }

        // A pass over the document: each record of those areas that no stored record matched by id, by its key.
        var claimed = new Dictionary<(ConfigurationArea, string StoredId), string>();
        var replacing = new List<(ConfigurationArea Area, string BackupId, string StoredId)>();
        foreach (var (area, record) in document.RecordElements())
        {
            if (!unclaimed.TryGetValue(area, out var byKey))
            {
                continue;
            }

            var backupId = record.GetProperty("id").GetString()!;
            var key = area.NaturalKeyOf(record);
            if (_backup.Stored(area.Name, backupId) || !byKey.TryGetValue(ValueHash.Of(key), out var storedId))
            {
                continue;
            }

            // Unreachable while the validator refuses duplicate natural keys in a file; kept so a gap there cannot merge two records into one.
            if (claimed.TryGetValue((area, storedId), out var other))
            {
                _problems.Add($"{area.Name}: backup records {other} and {backupId} both match the database's {area.Singular} {key}");
                continue;
            }

            claimed[(area, storedId)] = backupId;
            if (options.Mode == ImportMode.Full)
            {
                // Afterwards the configuration equals the backup's, ids included (docs/recovery.md, "Conflict resolution").
                replacing.Add((area, backupId, storedId));
                continue;
            }

            _stored.SetMatched(area.Name, storedId);
            _backup.SetMatched(area.Name, backupId);
            _backup.SetFinalId(area.Name, backupId, storedId);
        }

        foreach (var area in replacing.GroupBy(r => r.Area))
        {
            var replaced = await ReadStoredAsync(area.Key, area.Select(r => r.StoredId), cancellationToken);
            foreach (var (_, backupId, storedId) in area)
            {
                _replacing[(area.Key.Name, backupId)] = replaced[storedId];
            }
        }
    }

    /// <param name="backupRecord">The record.</param>
    /// <param name="existing">The stored record it updates, if any.</param>
    /// <param name="position">Where its entry will be in the plan's entries, until they are sorted.</param>
    /// <returns>The entry, and its work — none for a record created or left unchanged (see <see cref="PlannedRecord"/>).</returns>
    private (PlanEntry, PlannedRecord?) PlanRecord(BackupRecord backupRecord, ConfigRecord? existing, int position)
    {
        var area = backupRecord.Area;
        var backupId = backupRecord.Id;
        var key = area.NaturalKeyOf(backupRecord.Element);
        var finalId = _backup.FinalIdOf(area.Name, backupId);
        var replacing = _replacing.Count == 0 ? null : _replacing.GetValueOrDefault((area.Name, backupId));
        var remapNote = existing is not null && existing.Id != backupId ? $"matched the existing {area.Singular} {existing.Id} by {area.NaturalKey}; references to {backupId} now point to it"
            : replacing is not null ? $"replaces the existing {area.Singular} {replacing.Id} of the same {area.NaturalKey}, which is deleted; its secrets are kept where the backup has none"
            : null;

        var (incoming, secrets, needsSecret, skipReason) = Build(backupRecord, existing ?? replacing);
        if (skipReason is not null)
        {
            if (replacing is not null)
            {
                // The backup's record cannot take its place: the existing one stays as it is.
                _stored.Keep(area.Name, replacing.Id);
                existing = replacing;
            }

            _backup.SetImported(area.Name, backupId, false);
            _warnings.Add($"Skipped {area.Singular} '{key}': {skipReason}.");
            return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Skip, [], skipReason, []),
                new PlannedRecord(area, PlanAction.Skip, existing, null, NoSecrets, position));
        }

        _backup.SetImported(area.Name, backupId, true);
        incoming!.Id = finalId;
        if (existing is not null)
        {
            ReplaceUnreadable(area, existing, secrets, needsSecret);
        }

        if (existing is null)
        {
            if (replacing is not null)
            {
                CarrySecrets(area, replacing, secrets, needsSecret);
            }

            Brings(area, incoming, position);
            if (area == ConfigurationAreas.Settings)
            {
                // Settings are few, and checked together once all are planned (CheckSettingsTogether): kept.
                return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Create, [], remapNote, needsSecret),
                    new PlannedRecord(area, PlanAction.Create, null, incoming, secrets, position));
            }

            // Not kept: the applier builds it again from the document (docs/performance.md, "Import") — or, into an empty
            // configuration, it is inserted now; no longer once the plan found a problem, which it will be refused for.
            _backup.SetCreates(area.Name, backupId);
            if (_problems.Count == 0)
            {
                _creating?.Add(new CreatedRecord(incoming, secrets));
            }

            return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Create, [], remapNote, NoneIfEmpty(needsSecret)), null);
        }

        var changes = _incoming.Compare(area, existing, incoming, secrets);
        var action = changes.Count == 0 ? PlanAction.Unchanged : PlanAction.Update;
        var entry = new PlanEntry(area.Name, finalId, backupId, key, action, NoneIfEmpty(changes), remapNote, NoneIfEmpty(needsSecret));
        if (action == PlanAction.Update)
        {
            Brings(area, incoming, position);
        }

        // Nothing is applied to a record left as it is, so neither form is kept — but a setting's, which
        // CheckSettingsTogether reads: importing onto the same million records kept a million records twice.
        return action == PlanAction.Unchanged && area != ConfigurationAreas.Settings
            ? (entry, null)
            : (entry, new PlannedRecord(area, action, existing, incoming, secrets, position));
    }

    /// <summary>
    /// The secrets of <paramref name="existing"/> that do not open: replaced where the backup brings a value, else needed.
    /// A method of its own: its query's lambda, in <see cref="PlanRecord"/>, made a closure for every record planned.
    /// </summary>
    private void ReplaceUnreadable(ConfigurationArea area, ConfigRecord existing, Dictionary<string, SecretText?> secrets, List<string> needsSecret)
    {
        for (var i = 0; i < area.SecretProperties.Count; i++)
        {
            var property = area.SecretProperties[i];
            if (!_unreadable.Contains(new StoredSecret(area, existing.Id, property)))
            {
                continue;
            }

            if (secrets.ContainsKey(property.Name))
            {
                _replaced.Add(new StoredSecret(area, existing.Id, property));
            }
            else
            {
                needsSecret.Add(SecretFields.NameOf(property));
            }
        }
    }

    /// <summary>An entry's list as it is, or the one shared empty array for an empty one (<c>cond ? [] : list</c> made a new empty list).</summary>
    private static IReadOnlyList<T> NoneIfEmpty<T>(List<T> list) => list.Count == 0 ? Array.Empty<T>() : list;

    /// <summary>
    /// The record as the import would store it, and its secrets — or why it is skipped. Deterministic for a given
    /// state of the planning, so the applier builds a created record again from the document rather than keep it.
    /// </summary>
    private BuiltRecord Build(BackupRecord backupRecord, ConfigRecord? existing)
    {
        var skipReason = ResolveReferences(backupRecord);
        ConfigRecord? built = null;
        // Made only for a record skipped: a built one comes with its own (two empty collections were made for every record
        // and thrown away, docs/performance.md, "Import").
        Dictionary<string, SecretText?>? secrets = null;
        List<string>? needsSecret = null;
        if (skipReason is null)
        {
            try
            {
                (built, secrets, needsSecret) = _incoming.Build(backupRecord, existing);
                // The same rules as for a record added by hand (docs/recovery.md, "Records that break a rule").
                built.Normalize();
            }
            catch (InvalidInputException e)
            {
                skipReason = $"it breaks a rule: {e.Message.TrimEnd('.')}";
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
            {
                // A value the schema admits but the record cannot hold (1.0 or 1e400 for a whole number, a number
                // for a secret): the document is not one MetaBackup writes — refused, by where, not skipped.
                var where = backupRecord.Path + (e is JsonException { Path: { Length: > 1 } path } ? path[1..] : "");
                throw new ImportRefusedException(
                    $"The backup has a value no backup holds at {where}: not of the type or range that field takes.",
                    "It may be damaged, or not a MetaBackup configuration backup.",
                    [$"{where}: not of the type or range that field takes"]);
            }
        }

        return new BuiltRecord(built, secrets ?? [], needsSecret ?? [], skipReason);
    }

    /// <summary>A record as the import would store it, and its secrets — or why it is skipped.</summary>
    private sealed record BuiltRecord(ConfigRecord? Record, Dictionary<string, SecretText?> Secrets, List<string> NeedsSecret, string? SkipReason);

    /// <summary>
    /// The records the plan creates (but settings, which the plan keeps), built again from the document in the order
    /// they are planned in; before the first record of each area, that area alone (null record), so that the applier
    /// can apply the area's other changes first.
    /// </summary>
    internal IEnumerable<(ConfigurationArea Area, ConfigRecord? Record, IReadOnlyDictionary<string, SecretText?> Secrets)> Creations()
    {
        var entered = new HashSet<ConfigurationArea>();
        foreach (var record in InPlanningOrder())
        {
            if (entered.Add(record.Area))
            {
                yield return (record.Area, null, NoSecrets);
            }

            var backupId = record.Id;
            if (record.Area == ConfigurationAreas.Settings || !_backup.Creates(record.Area.Name, backupId) || !InScope(record))
            {
                continue;
            }

            var replacing = _replacing.GetValueOrDefault((record.Area.Name, backupId));
            var (built, secrets, needsSecret, _) = Build(record, replacing);
            built!.Id = _backup.FinalIdOf(record.Area.Name, backupId);
            if (replacing is not null)
            {
                CarrySecrets(record.Area, replacing, secrets, needsSecret);
            }

            yield return (record.Area, built, secrets);
        }

        foreach (var area in PlanningOrder.Where(a => !entered.Contains(a)))
        {
            yield return (area, null, NoSecrets);
        }
    }

    /// <summary>
    /// A record that replaces another keeps the secrets the backup does not carry (one without secrets) from the
    /// record it replaces, as an update would; one that does not open is listed as needing its secret.
    /// </summary>
    private void CarrySecrets(ConfigurationArea area, ConfigRecord replaced, Dictionary<string, SecretText?> secrets, List<string> needsSecret)
    {
        foreach (var property in area.SecretProperties.Where(p => !secrets.ContainsKey(p.Name)))
        {
            if (property.GetValue(replaced) is EncryptedSecret held)
            {
                if (session.Secrets.TryOpen(held) is { } opened)
                {
                    secrets[property.Name] = opened;
                }
                else
                {
                    needsSecret.Add(SecretFields.NameOf(property));
                }
            }
        }
    }

    /// <summary>Says what becomes of every unreadable secret; returns those that stay as they are.</summary>
    private HashSet<StoredSecret> ReportUnreadableSecrets()
    {
        var kept = new HashSet<StoredSecret>();
        foreach (var secret in _unreadable)
        {
            var what = $"the stored {SecretFields.NameOf(secret.Property)} of {secret.Area.Singular} {secret.Key}, which could not be decrypted (damaged, or sealed under another system key)";
            if (_replaced.Contains(secret))
            {
                _warnings.Add($"Replaces {what}.");
            }
            else if (Deletes(secret.Area.Name, secret.Id))
            {
                _warnings.Add($"Deletes the record holding {what}.");
            }
            else
            {
                kept.Add(secret);
                _warnings.Add($"Leaves {what}: this import does not replace it. Set it again, or import a backup that includes secrets.");
            }
        }

        return kept;
    }

    /// <summary>
    /// Rewrites the record's references to the ids they will have, or says why one cannot be kept. They are read where
    /// the document holds them; the record's tree is made only when one of them points to another id than it names.
    /// </summary>
    private string? ResolveReferences(BackupRecord backupRecord)
    {
        var (area, record) = (backupRecord.Area, backupRecord.Element);
        if (backupRecord.HasTree)
        {
            return ResolveReferences(area, backupRecord.Tree);
        }

        foreach (var reference in area.ReferencesOf(record))
        {
            foreach (var holder in reference.HoldersIn(record))
            {
                if ((holder.TryGetProperty(reference.Field, out var field) ? field.GetString() : null) is not { Length: > 0 } target)
                {
                    continue;
                }

                var (resolved, problem) = Resolve(reference.Target, target, reference.Kind);
                if (resolved is null)
                {
                    return Unresolved(area, reference, target, problem);
                }

                if (resolved != target)
                {
                    return ResolveReferences(area, backupRecord.Tree);
                }
            }
        }

        return null;
    }

    private static string Unresolved(ConfigurationArea area, RecordReference reference, string target, string? problem) =>
        $"its {(area == ConfigurationAreas.Settings ? "value" : reference.Path)} points to {reference.Target} record '{target}', which {problem}";

    /// <summary>As <see cref="ResolveReferences(BackupRecord)"/>, in the record's tree, which it rewrites.</summary>
    private string? ResolveReferences(ConfigurationArea area, JsonObject record)
    {
        foreach (var reference in area.ReferencesOf(record))
        {
            foreach (var holder in reference.HoldersIn(record))
            {
                if (holder[reference.Field]?.GetValue<string>() is not { Length: > 0 } target)
                {
                    continue;
                }

                var (resolved, problem) = Resolve(reference.Target, target, reference.Kind);
                if (resolved is null)
                {
                    return Unresolved(area, reference, target, problem);
                }

                holder[reference.Field] = resolved;
            }
        }

        return null;
    }

    /// <summary>
    /// The id a reference will point to after the import; or, when the record it names will not exist or
    /// is of the wrong kind, null and why (the end of a sentence).
    /// </summary>
    private (string? Id, string? Problem) Resolve(string areaName, string backupId, AdapterKind? kind)
    {
        string? WrongKind(string? actual) =>
            kind is { } needed && actual != Kinds.Name(needed) ? $"is a {actual} adapter, not a {Kinds.Name(needed)} adapter" : null;

        if (_backup.TryFind(areaName, backupId, out var inBackup))
        {
            if (WrongKind(inBackup.Kind) is { } wrong)
            {
                return (null, wrong);
            }

            var finalId = inBackup.FinalId;
            if (inBackup.Imported || (IsStored(areaName, finalId) && !Deletes(areaName, finalId)))
            {
                return (finalId, null);
            }

            return (null, "this import skips (see its warning)");
        }

        if (!IsStored(areaName, backupId))
        {
            return (null, "is in neither the backup nor the database");
        }

        if (Deletes(areaName, backupId))
        {
            return (null, "this full import deletes (it is not in the backup)");
        }

        return WrongKind(_stored.KindOf(areaName, backupId)) is { } wrongStored ? (null, wrongStored) : (backupId, null);
    }

    /// <summary>
    /// Rules over several settings together (<see cref="SettingRules.Dependencies"/>), on the settings as the
    /// import would leave them. The blame goes to what the backup brings — its setting that needs the
    /// missing one is skipped — and, should a stored setting then still need one that a full import would
    /// delete, that one is kept.
    /// </summary>
    private void CheckSettingsTogether(List<PlannedRecord> work)
    {
        var settings = ConfigurationAreas.Settings.Name;
        Dictionary<string, string> Final()
        {
            var final = _storedSettings.Where(s => !Deletes(settings, s.Id)).ToDictionary(s => s.Key, s => s.Value);
            foreach (var item in work.Where(w => w.Area == ConfigurationAreas.Settings && w.Action is PlanAction.Create or PlanAction.Update or PlanAction.Unchanged))
            {
                final[((Setting)item.Incoming!).Key] = ((Setting)item.Incoming!).Value;
            }

            return final;
        }

        for (var tries = 0; tries < 2 * SettingRules.Dependencies.Count && SettingRules.BrokenDependency(Final()) is { } broken; tries++)
        {
            var index = work.FindIndex(w => w.Incoming is Setting incoming && incoming.Key == broken.Key && w.Action != PlanAction.Skip);
            if (index >= 0)
            {
                var reason = $"it breaks a rule: {broken.Message.TrimEnd('.')} ({broken.Needs} is not set)";
                _warnings.Add($"Skipped setting '{broken.Key}': {reason}.");
                var position = work[index].Position;
                _backup.SetImported(settings, _entries[position].BackupId!, false);
                _entries[position] = _entries[position] with { Action = PlanAction.Skip, Changes = [], Reason = reason, NeedsSecret = [] };
                work[index] = work[index] with { Action = PlanAction.Skip, Incoming = null, Secrets = NoSecrets };
            }
            else if (_storedSettings.FirstOrDefault(s => s.Key == broken.Needs) is { } needed && _stored.Keep(settings, needed.Id))
            {
                _warnings.Add($"Kept setting '{broken.Needs}': the stored {broken.Key} needs it.");
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>In full mode, a skipped record that stays keeps what it references from being deleted (and so on, transitively).</summary>
    private async Task ProtectWhatSkippedRecordsStillUseAsync(List<PlannedRecord> work, CancellationToken cancellationToken)
    {
        var kept = new Queue<(ConfigurationArea Area, ConfigRecord Record)>(
            work.Where(w => w.Action == PlanAction.Skip && w.Existing is not null).Select(w => (w.Area, w.Existing!)));
        while (kept.TryDequeue(out var item))
        {
            var json = View(item.Area, item.Record);
            foreach (var reference in item.Area.ReferencesOf(json))
            {
                foreach (var target in reference.TargetsIn(json))
                {
                    if (_stored.Keep(reference.Target, target))
                    {
                        _warnings.Add($"Kept {reference.Target} record {target}: the {item.Area.Singular} {KeyOf(item.Area, item.Record)}, which stays, uses it.");
                        var area = ConfigurationAreas.Named(reference.Target)!;
                        kept.Enqueue((area, (await ReadStoredAsync(area, [target], cancellationToken))[target]));
                    }
                }
            }
        }
    }

    /// <summary>Full mode: every stored record the import deletes, area by area in reverse dependency order, read one at a time.</summary>
    private async Task PlanDeletionsAsync(List<PlannedRecord> work, CancellationToken cancellationToken)
    {
        var replacedBy = _replacing.ToDictionary(r => (r.Key.Area, r.Value.Id), r => r.Key.BackupId);
        foreach (var area in ConfigurationAreas.All.Reverse().Where(_stored.DeletesIn))
        {
            await foreach (var record in session.Records(area, cancellationToken))
            {
                if (!Deletes(area.Name, record.Id))
                {
                    continue;
                }

                var reason = replacedBy.GetValueOrDefault((area.Name, record.Id)) is { } backupId
                    ? $"replaced by the backup's {area.Singular} {backupId} of the same {area.NaturalKey} (full mode)"
                    : "not in the backup (full mode)";
                work.Add(new PlannedRecord(area, PlanAction.Delete, record, null, NoSecrets, _entries.Count));
                _entries.Add(new PlanEntry(area.Name, record.Id, null, KeyOf(area, record), PlanAction.Delete, [], reason, []));
            }
        }
    }

    /// <summary>
    /// The unique values of the records the import creates or updates, as it plans them: hashes, and where the entry of
    /// the record that holds each is in the plan (its id is read back from there only to report a conflict).
    /// </summary>
    private readonly Dictionary<(string Area, string Field), Dictionary<ValueHash, int>> _brought = [];

    private static string UniqueValue(ConfigurationArea area, string field, ConfigRecord record) =>
        field == area.NaturalKey ? RecordFields.NaturalKeyOf(area, record) : RecordFields.Text(area, record, field) ?? "";

    /// <summary>A record the import creates or updates brings its unique values; two records of the backup must not bring the same.</summary>
    private void Brings(ConfigurationArea area, ConfigRecord incoming, int position)
    {
        // Indexed: a foreach boxed the list's enumerator for every record planned.
        for (var i = 0; i < area.UniqueFields.Count; i++)
        {
            var field = area.UniqueFields[i];
            var value = UniqueValue(area, field, incoming);
            var seen = _brought.TryGetValue((area.Name, field), out var known) ? known : _brought[(area.Name, field)] = new(document.RecordsIn(area));
            if (!seen.TryAdd(ValueHash.Of(value), position))
            {
                _problems.Add($"{area.Name}: after the import, {_entries[seen[ValueHash.Of(value)]].Id} and {incoming.Id} would share the {field} '{value}'");
                _problemsWithinBackup++;
            }
        }
    }

    /// <summary>
    /// After the import, every natural key (and other unique field) must still be unique. The database's unique
    /// indexes keep the stored records that stay unique among themselves, and <see cref="Brings"/> the values the
    /// backup brings: what is left is a value brought that a stored record which stays holds — read one at a time,
    /// only in the areas the import brings values to. Before the entries are sorted: <see cref="_brought"/> knows them
    /// by where they were planned.
    /// </summary>
    private async Task CheckFinalUniquenessAsync(List<PlannedRecord> work, CancellationToken cancellationToken)
    {
        foreach (var area in ConfigurationAreas.All.Where(a => _storedCounts.GetValueOrDefault(a.Name) > 0 && _brought.Keys.Any(k => k.Area == a.Name)))
        {
            var updated = work.Where(w => w.Area == area && w.Existing is not null && w.Action == PlanAction.Update).Select(w => w.Existing!.Id).ToHashSet();
            await foreach (var record in session.Records(area, cancellationToken))
            {
                if (updated.Contains(record.Id) || Deletes(area.Name, record.Id))
                {
                    continue;
                }

                foreach (var field in area.UniqueFields)
                {
                    var value = UniqueValue(area, field, record);
                    if (_brought.GetValueOrDefault((area.Name, field))?.TryGetValue(ValueHash.Of(value), out var position) == true
                        && _entries[position].Action != PlanAction.Skip)
                    {
                        // The record that stays first, then the backup's.
                        _problems.Add($"{area.Name}: after the import, {record.Id} and {_entries[position].Id} would share the {field} '{value}'");
                    }
                }
            }
        }

        // Checked: the plan, which lives as long as the import, does not need them.
        _brought.Clear();
    }

    private static JsonObject View(ConfigurationArea area, ConfigRecord record) =>
        SecretMasking.WithoutSecrets(area, record);

    private static string KeyOf(ConfigurationArea area, ConfigRecord record) => RecordFields.NaturalKeyOf(area, record);
}
