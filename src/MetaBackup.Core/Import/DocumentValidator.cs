using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;

namespace MetaBackup.Core.Import;

/// <summary>What the document says about itself, once validated.</summary>
public sealed record DocumentInfo(int SchemaVersion, int OriginalSchemaVersion, bool IncludeSecrets, string? ExportedAt, string? AppVersion, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks a backup document on its own (PRODUCT §6, pre-flight): a known schema version (newer aborts,
/// older is migrated forward), well-formed against the schema (errors name the JSON path), no
/// duplicate ids or unique keys inside the file, profile keys that match their fingerprints.
/// </summary>
public static class DocumentValidator
{
    public static DocumentInfo Validate(JsonObject document, DocumentLimits? limits = null)
    {
        if (document["metadata"] is not JsonObject metadata || metadata["format"]?.GetValueKind() != JsonValueKind.String || metadata["format"]!.GetValue<string>() != ExportDocument.Format)
        {
            throw new ImportRefusedException(
                "This is not a MetaBackup configuration backup ($.metadata.format is not \"metabackup-config\").",
                "Import a file written by a MetaBackup export (or recovered from one).",
                ["$.metadata.format: not \"metabackup-config\""]);
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

        DocumentMigrations.MigrateToCurrent(document, version);

        using (var element = JsonSerializer.SerializeToDocument(document))
        {
            var errors = DocumentSchema.Validate(element.RootElement, ExportDocument.SchemaVersion);
            if (errors.Count > 0)
            {
                throw Refused("The backup does not match its schema", errors.Select(e => e.ToString()).ToList());
            }
        }

        var problems = new List<string>();
        foreach (var area in ConfigurationAreas.All)
        {
            var records = Records(document, area);
            Duplicates(records, r => r["id"]!.GetValue<string>(), area, "id", problems);
            Duplicates(records, area.NaturalKeyOf, area, area.NaturalKey, problems);
            foreach (var field in area.AlsoUnique ?? [])
            {
                Duplicates(records, r => r[field]?.ToString() ?? "", area, field, problems);
            }
        }

        var includeSecrets = metadata["includeSecrets"]!.GetValue<bool>();
        var profiles = Records(document, ConfigurationAreas.EncryptionProfiles);
        for (var i = 0; i < profiles.Count; i++)
        {
            if (profiles[i]["key"]?.GetValue<string>() is { Length: > 0 } hex
                && Format.KeyFingerprint.ComputeHex(Convert.FromHexString(hex)) != profiles[i]["fingerprint"]!.GetValue<string>())
            {
                problems.Add($"$.encryptionProfiles[{i}].key: the key does not match the profile's fingerprint");
            }
        }

        if (problems.Count > 0)
        {
            throw Refused("The backup contradicts itself", problems);
        }

        var warnings = new List<string>();
        foreach (var area in ConfigurationAreas.All)
        {
            var actual = Records(document, area).Count;
            var stated = (metadata["counts"] as JsonObject)?[area.Name];
            if (stated is not JsonValue value || !value.TryGetValue<long>(out var count) || count != actual)
            {
                warnings.Add($"$.metadata.counts.{area.Name} says {stated?.ToJsonString() ?? "nothing"} records, the file holds {actual}.");
            }
        }

        // The export's own warnings, kept up to a limit (docs/recovery.md, "Limits"): the rest are counted, not repeated.
        var exported = metadata["warnings"]!.AsArray();
        var kept = (limits ?? DocumentLimits.Default).WarningsKept;
        warnings.AddRange(exported.Take(kept).Select(w => $"The export warned: {w}"));
        if (exported.Count > kept)
        {
            warnings.Add($"The export warned {exported.Count - kept} more times (not shown).");
        }
        return new DocumentInfo(ExportDocument.SchemaVersion, version, includeSecrets, metadata["exportedAt"]?.ToString(), metadata["appVersion"]?.ToString(), warnings);
    }

    /// <summary>The records of one area in the document.</summary>
    public static IReadOnlyList<JsonObject> Records(JsonObject document, ConfigurationArea area) =>
        document[area.Name]?.AsArray().Select(r => r!.AsObject()).ToList() ?? [];

    private static void Duplicates(IReadOnlyList<JsonObject> records, Func<JsonObject, string> key, ConfigurationArea area, string what, List<string> problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var value = key(records[i]);
            if (seen.TryGetValue(value, out var first))
            {
                problems.Add($"$.{area.Name}[{i}]: {what} '{value}' is also that of $.{area.Name}[{first}]");
            }
            else
            {
                seen[value] = i;
            }
        }
    }

    private static ImportRefusedException Refused(string what, List<string> problems) => new(
        $"{what}: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}.",
        "Nothing was changed. Use an intact backup written by a MetaBackup export.",
        problems);
}
