using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import.Reading;

namespace MetaBackup.Core.Import;

/// <summary>What the document says about itself, once validated.</summary>
public sealed record DocumentInfo(int SchemaVersion, int OriginalSchemaVersion, bool IncludeSecrets, string? ExportedAt, string? AppVersion, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks a backup document on its own (docs/recovery.md, "The steps", 2): a known schema version (newer aborts,
/// older is migrated forward), well-formed against the schema (errors name the JSON path), no
/// duplicate ids or unique keys inside the file, profile keys that match their fingerprints.
/// The document is read as a stream, a record at a time (docs/performance.md, "Import"): each record is checked
/// against its area's item schema, and the rest of the document — its arrays emptied — against the whole schema.
/// </summary>
public static class DocumentValidator
{
    private const int RecordsPerBatch = 512;

    /// <summary>Problems collected before the rest are only counted.</summary>
    private const int ProblemsKept = 1_000;

    /// <summary>How many records are read ahead of their check at most: <see cref="ReadBatchesAhead"/> batches of this many (<see cref="ReadAhead"/>).</summary>
    private const int ReadBatch = 256;

    /// <summary>How many batches of <see cref="ReadBatch"/> records wait for their check at most.</summary>
    private const int ReadBatchesAhead = 4;

    public static async Task<DocumentInfo> ValidateAsync(DocumentSource document, DocumentLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= DocumentLimits.Default;
        var metadata = document.MetadataFirst ? null : document.ReadMetadata() ?? throw NotABackup();
        var version = metadata is null ? (int?)null : CheckVersion(metadata);
        var rest = new JsonObject();
        var schemaErrors = new List<string>();
        var problems = new List<string>();
        var (schemaErrorCount, problemCount) = (0, 0);
        // The ids go into the index the planner needs (it then reads the document once less); the unique keys are only seen.
        var ids = new BackupRecordIndex(document.RecordsIn);
        var keys = ConfigurationAreas.All.ToDictionary(a => a.Name, a => a.UniqueFields.ToDictionary(k => k, _ => new DistinctValues(document.RecordsIn(a))));
        // Records are checked against the schema a batch at a time on every core (the check is most of validation's
        // time), then in the document's order for what needs the records before them.
        var batch = new List<(ConfigurationArea Area, int Index, JsonElement Record)>(RecordsPerBatch);
        void Check()
        {
            var valid = new bool[batch.Count];
            Parallel.For(0, batch.Count, i => valid[i] = DocumentSchema.IsValidRecord(batch[i].Record, batch[i].Area.Name, ExportDocument.SchemaVersion));
            for (var i = 0; i < batch.Count; i++)
            {
                var (area, index, record) = batch[i];
                if (!valid[i])
                {
                    // Only for a record its compiled check refused: the messages' iterators, made for every valid record
                    // too, took about 40 ms of this loop's one thread for 100,000 records in a profile (docs/performance.md,
                    // "Where issue 13's goals stand", the thirty-second session).
                    var errors = DocumentSchema.ValidateRecord(record, area.Name, PathOf(area, index), ExportDocument.SchemaVersion);
                    schemaErrorCount += errors.Count;
                    schemaErrors.AddRange(errors.Take(ProblemsKept - schemaErrors.Count).Select(e => e.ToString()));
                }

                if (schemaErrorCount > 0)
                {
                    // The other checks read fields the schema promises; once it is broken, they wait for a valid document.
                    continue;
                }

                problemCount += FindContradictions(area, index, record, ids, keys[area.Name], problems);
            }

            batch.Clear();
        }

        // The document is read — decrypted, decompressed, parsed a record at a time — on another thread while the records
        // before are checked: reading was a third of validating, the other core mostly idle meanwhile (docs/performance.md,
        // "Import").
        await foreach (var item in ReadAhead.Of(document.Items(), ReadBatch, ReadBatchesAhead, cancellationToken))
        {
            if (item.Index < 0)
            {
                rest[item.Property] = JsonSerializer.SerializeToNode(item.Value);
                if (item.Property == "metadata" && version is null)
                {
                    metadata = rest["metadata"] as JsonObject ?? throw NotABackup();
                    version = CheckVersion(metadata);
                }

                continue;
            }

            var area = ConfigurationAreas.Named(item.Property)!;
            batch.Add((area, item.Index, version is null ? throw NotABackup() : DocumentMigrations.MigrateRecord(area, item.Value, version.Value)));
            if (batch.Count == RecordsPerBatch)
            {
                Check();
            }
        }

        Check();
        metadata = rest["metadata"] as JsonObject ?? metadata ?? throw NotABackup();
        version ??= CheckVersion(metadata);
        DocumentMigrations.MigrateMetadata(metadata, version.Value);
        rest["metadata"] = metadata.DeepClone();
        using (var element = JsonSerializer.SerializeToDocument(rest))
        {
            var errors = DocumentSchema.Validate(element.RootElement, ExportDocument.SchemaVersion);
            schemaErrorCount += errors.Count;
            schemaErrors.InsertRange(0, errors.Select(e => e.ToString()));
        }

        if (schemaErrorCount > 0)
        {
            throw Refused("The backup does not match its schema", schemaErrors, schemaErrorCount);
        }

        if (problemCount > 0)
        {
            throw Refused("The backup contradicts itself", problems, problemCount);
        }

        document.OriginalSchemaVersion = version;
        document.KeepRecordIndex(ids);
        // Let go of here: an async method's locals outlive its return until its caller's continuation, which may run on
        // this very stack, has reached its own next wait — and planning a million records beside validation's sets of
        // their unique keys raised the import's peak by 13 MiB (docs/performance.md, "Import").
        keys.Clear();
        return new DocumentInfo(ExportDocument.SchemaVersion, version.Value, metadata["includeSecrets"]!.GetValue<bool>(), metadata["exportedAt"]?.ToString(), metadata["appVersion"]?.ToString(), Warnings(metadata, document, limits));
    }

    /// <summary>The schema version the metadata states, if it is one this MetaBackup reads.</summary>
    private static int CheckVersion(JsonObject metadata)
    {
        if (metadata["format"]?.GetValueKind() != JsonValueKind.String || metadata["format"]!.GetValue<string>() != ExportDocument.Format)
        {
            throw NotABackup();
        }

        if (metadata["schemaVersion"] is not JsonValue versionNode || versionNode.GetValueKind() != JsonValueKind.Number || !versionNode.TryGetValue<int>(out var version))
        {
            throw new ImportRefusedException("The backup has no valid $.metadata.schemaVersion (an integer).", null, ["$.metadata.schemaVersion: missing, or not an integer"]);
        }

        if (version > ExportDocument.SchemaVersion)
        {
            throw new ImportRefusedException(
                $"This backup has schema version {version}, newer than this MetaBackup understands (up to {ExportDocument.SchemaVersion}): it was written by a newer MetaBackup.",
                "Upgrade MetaBackup, then import it again.",
                [$"$.metadata.schemaVersion: {version}, newer than {ExportDocument.SchemaVersion}"]);
        }

        if (version < DocumentMigrations.Oldest)
        {
            throw new ImportRefusedException($"Schema version {version} does not exist (the first is {DocumentMigrations.Oldest}).", null, [$"$.metadata.schemaVersion: {version}"]);
        }

        return version;
    }

    private static ImportRefusedException NotABackup() => new(
        "This is not a MetaBackup configuration backup ($.metadata.format is not \"metabackup-config\").",
        "Import a file written by a MetaBackup export (or recovered from one).",
        ["$.metadata.format: not \"metabackup-config\""]);

    /// <summary>
    /// Ids and unique keys taken by an earlier record of the file; a profile key that does not match its fingerprint.
    /// Each is added to <paramref name="problems"/> while it holds fewer than <see cref="ProblemsKept"/>; returns how many
    /// were found. A method, not an iterator: an iterator was an object made for every record of the document.
    /// </summary>
    private static int FindContradictions(ConfigurationArea area, int index, JsonElement record, BackupRecordIndex ids, Dictionary<string, DistinctValues> seen, List<string> problems)
    {
        var found = 0;
        void Found(string problem)
        {
            found++;
            if (problems.Count < ProblemsKept)
            {
                problems.Add(problem);
            }
        }

        var id = record.GetProperty("id").GetString()!;
        if (ids.Add(area.Name, id, area == ConfigurationAreas.Adapters ? ConfigurationArea.FieldText(record, "kind") : null, index) is { } sameId)
        {
            Found($"{PathOf(area, index)}: id '{id}' is also that of {PathOf(area, sameId)}");
        }

        foreach (var (field, values) in seen)
        {
            var value = field == area.NaturalKey ? area.NaturalKeyOf(record) : ConfigurationArea.FieldText(record, field) ?? "";
            if (values.Add(value, index) is { } first)
            {
                Found($"{PathOf(area, index)}: {field} '{value}' is also that of {PathOf(area, first)}");
            }
        }

        if (area == ConfigurationAreas.EncryptionProfiles
            && ConfigurationArea.FieldText(record, "key") is { Length: > 0 } hex
            && Format.KeyFingerprint.ComputeHex(Convert.FromHexString(hex)) != record.GetProperty("fingerprint").GetString())
        {
            Found($"{PathOf(area, index)}.key: the key does not match the profile's fingerprint");
        }

        return found;
    }

    /// <summary>Where a record is in the document, as errors name it: made only for a record that has one.</summary>
    private static string PathOf(ConfigurationArea area, int index) => $"$.{area.Name}[{index}]";

    private static List<string> Warnings(JsonObject metadata, DocumentSource document, DocumentLimits limits)
    {
        var warnings = new List<string>();
        foreach (var area in ConfigurationAreas.All)
        {
            var actual = document.RecordsIn(area);
            var stated = (metadata["counts"] as JsonObject)?[area.Name];
            if (stated is not JsonValue value || !value.TryGetValue<long>(out var count) || count != actual)
            {
                warnings.Add($"$.metadata.counts.{area.Name} says {stated?.ToJsonString() ?? "nothing"} records, the file holds {actual}.");
            }
        }

        // The export's own warnings, kept up to a limit (docs/recovery.md, "Limits"): the rest are counted, not repeated.
        var exported = metadata["warnings"]!.AsArray();
        var kept = limits.WarningsKept;
        warnings.AddRange(exported.Take(kept).Select(w => $"The export warned: {w}"));
        if (exported.Count > kept)
        {
            warnings.Add($"The export warned {exported.Count - kept} more times (not shown).");
        }

        return warnings;
    }

    private static ImportRefusedException Refused(string what, List<string> problems, int count) => new(
        $"{what}: {string.Join("; ", problems.Take(5))}{(count > 5 ? $"; and {count - 5} more" : "")}.",
        "Nothing was changed. Use an intact backup written by a MetaBackup export.",
        problems);
}
