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
/// Works out what an import will do, record by record (PRODUCT §6, "Conflict resolution"), changing
/// nothing: same id → update; new id whose natural key matches → update that record and remap every
/// reference to it — in full mode, replace it by the backup's record, so that afterwards even the ids are
/// the backup's; new id → create; a reference to a record in neither the backup nor the database →
/// skip with a warning naming it; in full mode, records absent from the backup → delete.
/// </summary>
internal sealed class ImportPlanner(ConfigurationSession session, DocumentSource document, DocumentInfo info, ImportOptions options)
{
    private readonly Dictionary<string, List<ConfigRecord>> _db = [];
    private readonly Dictionary<string, Dictionary<string, ConfigRecord>> _dbById = [];
    /// <summary>The secrets of an entry that sets none: one shared instance, as a plan may hold a million entries.</summary>
    private static readonly IReadOnlyDictionary<string, SecretText?> NoSecrets = new Dictionary<string, SecretText?>();

    private readonly BackupRecordIndex _backup = new(document.RecordsIn);
    private readonly Dictionary<string, int> _countInBackup = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => 0);
    private readonly Dictionary<(string Area, string BackupId), ConfigRecord> _matched = [];

    /// <summary>Full mode: database records that a backup record of the same natural key but another id replaces.</summary>
    private readonly Dictionary<(string Area, string BackupId), ConfigRecord> _replacing = [];
    private readonly HashSet<(string Area, string Id)> _deleted = [];
    private readonly List<string> _warnings = [];
    private readonly List<string> _problems = [];

    /// <summary>How many of <see cref="_problems"/> are between two records of the backup alone, none stored.</summary>
    private int _problemsWithinBackup;
    private readonly HashSet<StoredSecret> _unreadable = [];
    private readonly HashSet<StoredSecret> _replaced = [];

    private readonly IncomingRecords _incoming = new(session.Secrets, info.IncludeSecrets);

    /// <summary>The plan's entries, in the order they are planned in (until <see cref="PlanAsync"/> sorts them for showing).</summary>
    private readonly PlanEntries _entries = new(document.RecordCount);

    /// <summary>
    /// The work of a record the plan creates and does not keep (the applier builds it again, see <see cref="Creations"/>):
    /// the same for every record of an area, so one instance an area.
    /// </summary>
    private static readonly Dictionary<ConfigurationArea, PlannedRecord> CreatedLater =
        ConfigurationAreas.All.ToDictionary(a => a, a => new PlannedRecord(a, PlanAction.Create, null, null, NoSecrets));

    /// <summary>
    /// Dependency order, except that settings come last: a few settings name records of other areas
    /// (<see cref="SettingKeys.References"/>), so whether those records will exist must be known first.
    /// Settings have no foreign keys, so the order they are written in does not matter.
    /// </summary>
    private static IEnumerable<ConfigurationArea> PlanningOrder =>
        ConfigurationAreas.All.Where(a => a != ConfigurationAreas.Settings).Append(ConfigurationAreas.Settings);

    public async Task<ImportPlan> PlanAsync(CancellationToken cancellationToken)
    {
        CheckOptions();
        foreach (var area in ConfigurationAreas.All)
        {
            var records = await session.Db.RecordsOf(area).AsNoTracking().ToListAsync(cancellationToken);
            _db[area.Name] = records;
            _dbById[area.Name] = records.ToDictionary(r => r.Id);
            FindUnreadableSecrets(area, records);
        }

        Match();
        if (options.Mode == ImportMode.Full)
        {
            foreach (var area in ConfigurationAreas.All)
            {
                var targeted = _matched.Where(m => m.Key.Area == area.Name).Select(m => m.Value.Id).ToHashSet();
                _deleted.UnionWith(_db[area.Name].Where(r => !targeted.Contains(r.Id)).Select(r => (area.Name, r.Id)));
            }
        }

        var work = new List<PlannedRecord>(document.RecordCount);
        PlanRecords(work);

        CheckSettingsTogether(work);
        ProtectWhatSkippedRecordsStillUse(work);
        foreach (var area in ConfigurationAreas.All.Reverse())
        {
            foreach (var record in _db[area.Name].Where(r => _deleted.Contains((area.Name, r.Id))))
            {
                var replacedBy = _replacing.FirstOrDefault(r => r.Key.Area == area.Name && r.Value.Id == record.Id).Key.BackupId;
                var reason = replacedBy is null ? "not in the backup (full mode)" : $"replaced by the backup's {area.Singular} {replacedBy} of the same {area.NaturalKey} (full mode)";
                _entries.Add(new PlanEntry(area.Name, record.Id, null, KeyOf(area, record), PlanAction.Delete, [], reason, []));
                work.Add(new PlannedRecord(area, PlanAction.Delete, record, null, NoSecrets));
            }
        }

        var keptUnreadable = ReportUnreadableSecrets();
        CheckFinalUniqueness(work);
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
    /// Plans every record in <see cref="PlanningOrder"/>, reading the document as a stream: a pass plans, in the
    /// document's order, each area whose predecessors are all planned; an area that comes too early waits for the next
    /// pass. An export writes the areas in dependency order, settings first: two passes.
    /// </summary>
    private void PlanRecords(List<PlannedRecord> work)
    {
        foreach (var record in InPlanningOrder())
        {
            if (InScope(record.Area, record.Json))
            {
                var (entry, plannedRecord) = PlanRecord(record, _entries.Count);
                _entries.Add(entry);
                work.Add(plannedRecord);
            }
        }
    }

    /// <summary>The document's records in <see cref="PlanningOrder"/>, a pass at a time (see <see cref="PlanRecords"/>).</summary>
    private IEnumerable<BackupRecord> InPlanningOrder()
    {
        var order = PlanningOrder.ToList();
        var read = ConfigurationAreas.All.ToDictionary(a => a.Name, _ => 0);
        bool Complete(ConfigurationArea area) => read[area.Name] == _countInBackup[area.Name];
        while (!order.All(Complete))
        {
            var progressed = false;
            foreach (var record in document.Records())
            {
                var area = record.Area;
                if (Complete(area) || !order.TakeWhile(a => a != area).All(Complete))
                {
                    continue;
                }

                read[area.Name]++;
                progressed = true;
                yield return record;
            }

            if (!progressed)
            {
                throw new InvalidOperationException("Planning made no progress over the document.");
            }
        }
    }

    private bool InScope(ConfigurationArea area, JsonObject record) =>
        options.Mode != ImportMode.Selective
        || (options.Areas!.Contains(area.Name) && (options.Ids is not { Count: > 0 } || options.Ids.Contains(record["id"]!.GetValue<string>())));

    /// <summary>
    /// Pairs every record of the backup with the database record it will update: by id first; then,
    /// for the rest, by natural key among the database records no backup record claimed by id. A
    /// record whose name another record of the backup takes over by id is renamed by it, so the
    /// newcomer is created rather than merged into it.
    /// </summary>
    private void Match()
    {
        // One pass: every record into the index, and those that may match a stored record (by id, or by a natural
        // key the database holds) kept aside, in the document's order — at most as many as the database has records.
        var keysInDb = ConfigurationAreas.All.ToDictionary(a => a.Name, a => _db[a.Name].Select(r => KeyOf(a, r)).ToHashSet(StringComparer.Ordinal));
        var candidates = new List<(ConfigurationArea Area, string BackupId, string Key, bool ById)>();
        foreach (var (area, _, record) in document.Records())
        {
            var backupId = record["id"]!.GetValue<string>();
            _backup.Add(area.Name, backupId, area == ConfigurationAreas.Adapters ? record["kind"]?.GetValue<string>() : null);
            _countInBackup[area.Name]++;
            var byId = _dbById[area.Name].ContainsKey(backupId);
            var key = keysInDb[area.Name].Count > 0 || byId ? area.NaturalKeyOf(record) : null;
            if (byId || (key is not null && keysInDb[area.Name].Contains(key)))
            {
                candidates.Add((area, backupId, key!, byId));
            }
        }

        foreach (var area in ConfigurationAreas.All)
        {
            var inArea = candidates.Where(c => c.Area == area).ToList();
            var claimedById = inArea.Where(c => c.ById).Select(c => c.BackupId).ToHashSet();
            var byKey = _db[area.Name].Where(r => !claimedById.Contains(r.Id)).GroupBy(r => KeyOf(area, r)).ToDictionary(g => g.Key, g => g.First());
            var claimed = new Dictionary<string, string>();
            foreach (var (_, backupId, key, byId) in inArea)
            {
                var match = byId ? _dbById[area.Name][backupId] : byKey.GetValueOrDefault(key);
                _backup.SetFinalId(area.Name, backupId, match?.Id ?? backupId);
                if (match is null)
                {
                    continue;
                }

                // Unreachable while the validator refuses duplicate natural keys in a file; kept so a gap there cannot merge two records into one.
                if (claimed.TryGetValue(match.Id, out var other))
                {
                    _problems.Add($"{area.Name}: backup records {other} and {backupId} both match the database's {area.Singular} {KeyOf(area, match)}");
                    continue;
                }

                claimed[match.Id] = backupId;
                if (options.Mode == ImportMode.Full && match.Id != backupId)
                {
                    // Afterwards the configuration equals the backup's, ids included (docs/recovery.md, "Conflict resolution").
                    _replacing[(area.Name, backupId)] = match;
                    _backup.SetFinalId(area.Name, backupId, backupId);
                    continue;
                }

                _matched[(area.Name, backupId)] = match;
            }
        }
    }

    /// <param name="backupRecord">The record.</param>
    /// <param name="position">Where its entry will be in the plan's entries, until they are sorted.</param>
    private (PlanEntry, PlannedRecord) PlanRecord(BackupRecord backupRecord, int position)
    {
        var (area, _, record) = backupRecord;
        var backupId = record["id"]!.GetValue<string>();
        var key = area.NaturalKeyOf(record);
        var finalId = _backup.FinalIdOf(area.Name, backupId);
        var existing = _matched.GetValueOrDefault((area.Name, backupId));
        var replacing = _replacing.GetValueOrDefault((area.Name, backupId));
        var remapNote = existing is not null && existing.Id != backupId ? $"matched the existing {area.Singular} {existing.Id} by {area.NaturalKey}; references to {backupId} now point to it"
            : replacing is not null ? $"replaces the existing {area.Singular} {replacing.Id} of the same {area.NaturalKey}, which is deleted; its secrets are kept where the backup has none"
            : null;

        var (built, secrets, needsSecret, skipReason) = Build(backupRecord, existing ?? replacing);
        if (skipReason is not null)
        {
            if (replacing is not null)
            {
                // The backup's record cannot take its place: the existing one stays as it is.
                _deleted.Remove((area.Name, replacing.Id));
                existing = replacing;
            }

            _backup.SetImported(area.Name, backupId, false);
            _warnings.Add($"Skipped {area.Singular} '{key}': {skipReason}.");
            return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Skip, [], skipReason, []),
                new PlannedRecord(area, PlanAction.Skip, existing, null, NoSecrets));
        }

        _backup.SetImported(area.Name, backupId, true);
        var incoming = built!;
        incoming.Id = finalId;
        if (existing is not null)
        {
            foreach (var property in area.SecretProperties.Where(p => _unreadable.Contains(new StoredSecret(area, existing.Id, p))))
            {
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

        if (existing is null)
        {
            if (replacing is not null)
            {
                CarrySecrets(area, replacing, secrets, needsSecret);
            }

            if (area == ConfigurationAreas.Settings)
            {
                // Settings are few, and checked together once all are planned (CheckSettingsTogether): kept.
                return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Create, [], remapNote, needsSecret),
                    new PlannedRecord(area, PlanAction.Create, null, incoming, secrets));
            }

            // Not kept: the applier builds it again from the document (docs/performance.md, "Import").
            _backup.SetCreates(area.Name, backupId);
            CreatedKeys(area, incoming, position);
            return (new PlanEntry(area.Name, finalId, backupId, key, PlanAction.Create, [], remapNote, needsSecret.Count == 0 ? [] : needsSecret),
                CreatedLater[area]);
        }

        var changes = _incoming.Compare(area, existing, incoming, secrets);
        var action = changes.Count == 0 ? PlanAction.Unchanged : PlanAction.Update;
        var entry = new PlanEntry(area.Name, finalId, backupId, key, action, changes.Count == 0 ? [] : changes, remapNote, needsSecret.Count == 0 ? [] : needsSecret);
        // Nothing is applied to a record left as it is, so its incoming form is not kept — but a setting's, which
        // CheckSettingsTogether reads: importing onto the same million records kept a million records twice.
        return action == PlanAction.Unchanged && area != ConfigurationAreas.Settings
            ? (entry, new PlannedRecord(area, action, existing, null, NoSecrets))
            : (entry, new PlannedRecord(area, action, existing, incoming, secrets));
    }

    /// <summary>
    /// The record as the import would store it, and its secrets — or why it is skipped. Deterministic for a given
    /// state of the planning, so the applier builds a created record again from the document rather than keep it.
    /// </summary>
    private (ConfigRecord? Built, Dictionary<string, SecretText?> Secrets, List<string> NeedsSecret, string? SkipReason) Build(BackupRecord backupRecord, ConfigRecord? existing)
    {
        var (area, _, record) = backupRecord;
        var skipReason = ResolveReferences(area, record);
        ConfigRecord? built = null;
        Dictionary<string, SecretText?> secrets = [];
        List<string> needsSecret = [];
        if (skipReason is null)
        {
            try
            {
                (built, secrets, needsSecret) = _incoming.Build(area, record, existing);
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

        return (built, secrets, needsSecret, skipReason);
    }

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

            var backupId = record.Json["id"]!.GetValue<string>();
            if (record.Area == ConfigurationAreas.Settings || !_backup.Creates(record.Area.Name, backupId) || !InScope(record.Area, record.Json))
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

    /// <summary>
    /// Stored secrets that do not open under the system key (damaged, or sealed under another key). They
    /// must not stop the import that may be what repairs them (docs/recovery.md, "Damaged secrets").
    /// </summary>
    private void FindUnreadableSecrets(ConfigurationArea area, List<ConfigRecord> records)
    {
        foreach (var record in records)
        {
            foreach (var property in area.SecretProperties)
            {
                if (property.GetValue(record) is EncryptedSecret secret && session.Secrets.TryOpen(secret) is null)
                {
                    _unreadable.Add(new StoredSecret(area, record.Id, property) { Key = KeyOf(area, record) });
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
            else if (_deleted.Contains((secret.Area.Name, secret.Id)))
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

    /// <summary>Rewrites the record's references to the ids they will have, or says why one cannot be kept.</summary>
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
                    var field = area == ConfigurationAreas.Settings ? "value" : reference.Path;
                    return $"its {field} points to {reference.Target} record '{target}', which {problem}";
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

        if (_backup.Contains(areaName, backupId))
        {
            if (WrongKind(_backup.KindOf(areaName, backupId)) is { } wrong)
            {
                return (null, wrong);
            }

            var finalId = _backup.FinalIdOf(areaName, backupId);
            if (_backup.Imported(areaName, backupId) || (_dbById[areaName].ContainsKey(finalId) && !_deleted.Contains((areaName, finalId))))
            {
                return (finalId, null);
            }

            return (null, "this import skips (see its warning)");
        }

        if (_dbById[areaName].GetValueOrDefault(backupId) is not { } stored)
        {
            return (null, "is in neither the backup nor the database");
        }

        if (_deleted.Contains((areaName, backupId)))
        {
            return (null, "this full import deletes (it is not in the backup)");
        }

        return WrongKind(stored is Adapter adapter ? Kinds.Name(adapter.Kind) : null) is { } wrongStored ? (null, wrongStored) : (backupId, null);
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
            var final = _db[settings].Cast<Setting>().Where(s => !_deleted.Contains((settings, s.Id))).ToDictionary(s => s.Key, s => s.Value);
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
                _backup.SetImported(settings, _entries[index].BackupId!, false);
                _entries[index] = _entries[index] with { Action = PlanAction.Skip, Changes = [], Reason = reason, NeedsSecret = [] };
                work[index] = work[index] with { Action = PlanAction.Skip, Incoming = null, Secrets = NoSecrets };
            }
            else if (_db[settings].Cast<Setting>().FirstOrDefault(s => s.Key == broken.Needs) is { } needed && _deleted.Remove((settings, needed.Id)))
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
    private void ProtectWhatSkippedRecordsStillUse(List<PlannedRecord> work)
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
                    if (_deleted.Remove((reference.Target, target)))
                    {
                        _warnings.Add($"Kept {reference.Target} record {target}: the {item.Area.Singular} {KeyOf(item.Area, item.Record)}, which stays, uses it.");
                        kept.Enqueue((ConfigurationAreas.All.Single(a => a.Name == reference.Target), _dbById[reference.Target][target]));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The unique values of the records the import creates (but settings), as it plans them: hashes, and where the
    /// entry of the record that holds each is in the plan (its id is read back from there only to report a conflict).
    /// </summary>
    private readonly Dictionary<(string Area, string Field), Dictionary<ValueHash, int>> _createdKeys = [];

    private static IEnumerable<string> UniqueFields(ConfigurationArea area) => new[] { area.NaturalKey }.Concat(area.AlsoUnique ?? []);

    private static string UniqueValue(ConfigurationArea area, string field, JsonObject json) =>
        field == area.NaturalKey ? area.NaturalKeyOf(json) : json[field]?.ToString() ?? "";

    private void CreatedKeys(ConfigurationArea area, ConfigRecord incoming, int position)
    {
        var json = View(area, incoming);
        foreach (var field in UniqueFields(area))
        {
            var value = UniqueValue(area, field, json);
            var seen = _createdKeys.TryGetValue((area.Name, field), out var known) ? known : _createdKeys[(area.Name, field)] = new(document.RecordsIn(area));
            if (!seen.TryAdd(ValueHash.Of(value), position))
            {
                _problems.Add($"{area.Name}: after the import, {_entries[seen[ValueHash.Of(value)]].Id} and {incoming.Id} would share the {field} '{value}'");
                _problemsWithinBackup++;
            }
        }
    }

    /// <summary>
    /// After the import, every natural key (and other unique field) must still be unique: the values of what is
    /// created (collected as it was planned), of what is updated, and of the stored records that stay. Before the
    /// entries are sorted: <see cref="_createdKeys"/> knows them by where they were planned.
    /// </summary>
    private void CheckFinalUniqueness(List<PlannedRecord> work)
    {
        foreach (var area in ConfigurationAreas.All)
        {
            var replaced = work.Where(w => w.Area == area && w.Existing is not null && w.Action is PlanAction.Update or PlanAction.Delete)
                .Select(w => w.Existing!.Id).ToHashSet();
            var final = _db[area.Name].Where(r => !replaced.Contains(r.Id))
                .Concat(work.Where(w => w.Area == area && w.Incoming is not null && w.Action is PlanAction.Create or PlanAction.Update).Select(w => w.Incoming!));
            var seen = UniqueFields(area).ToDictionary(f => f, _ => new Dictionary<ValueHash, string>());
            // A record at a time, each seen as JSON once: a million stored records are never a million JSON trees at once.
            foreach (var record in final)
            {
                var json = View(area, record);
                foreach (var field in UniqueFields(area))
                {
                    var value = UniqueValue(area, field, json);
                    var hash = ValueHash.Of(value);
                    var other = _createdKeys.GetValueOrDefault((area.Name, field))?.TryGetValue(hash, out var position) == true
                        ? _entries[position].Id
                        : seen[field].GetValueOrDefault(hash);
                    if (other is not null)
                    {
                        _problems.Add($"{area.Name}: after the import, {other} and {record.Id} would share the {field} '{value}'");
                    }
                    else
                    {
                        seen[field][hash] = record.Id;
                    }
                }
            }
        }

        // Checked: the plan, which lives as long as the import, does not need them.
        _createdKeys.Clear();
    }

    private static JsonObject View(ConfigurationArea area, ConfigRecord record) =>
        SecretMasking.WithoutSecrets(area, record);

    private static string KeyOf(ConfigurationArea area, ConfigRecord record) => area.NaturalKeyOf(View(area, record));
}
