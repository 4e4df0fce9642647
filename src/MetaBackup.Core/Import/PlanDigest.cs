using System.Text.Json;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Import;

/// <summary>
/// The digest of a plan (<see cref="ImportPlan.Digest"/>): the SHA-256 of the plan as JSON — its options, then per entry
/// its area, ids, action, changes, reason and missing secrets — written straight into the hash, so that a plan of a
/// million entries is never one string. The JSON is written by hand, the compact entries of <see cref="PlanEntries"/>
/// from their bytes: the serializer, given an object made for each entry built again from its row, took an import of
/// 100,000 records a tenth of a second after its commit (docs/performance.md, "Import"). The bytes are the serializer's
/// own for that shape (PlanDigestTests), so a digest stays what it was: an import session planned before an upgrade is
/// applied after it, not refused as stale.
/// </summary>
internal static class PlanDigest
{
    public static string Of(ImportOptions options, PlanEntries entries)
    {
        using var hash = new HashingStream();
        using (var json = new Utf8JsonWriter(hash))
        {
            json.WriteStartObject();
            json.WriteNumber(Names.Mode, (int)options.Mode);
            WriteList(json, Names.Areas, options.Areas);
            WriteList(json, Names.Ids, options.Ids);
            json.WriteStartArray(Names.Entries);
            entries.Visit(
                entry =>
                {
                    WriteEntry(json, entry);
                    FlushWhenFull(json);
                },
                (area, action, id, hasBackupId) =>
                {
                    WriteCompactEntry(json, area, action, id, hasBackupId);
                    FlushWhenFull(json);
                });
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Convert.ToHexStringLower(hash.Hash());
    }

    /// <summary>The writer holds what it wrote until flushed: handed to the hash a block at a time, never the whole plan.</summary>
    private static void FlushWhenFull(Utf8JsonWriter json)
    {
        if (json.BytesPending >= FlushAt)
        {
            json.Flush();
        }
    }

    private const int FlushAt = 16 * 1024;

    /// <summary>The property names, encoded once rather than for each of a million entries.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Mode = JsonEncodedText.Encode("Mode");
        public static readonly JsonEncodedText Areas = JsonEncodedText.Encode("Areas");
        public static readonly JsonEncodedText Ids = JsonEncodedText.Encode("Ids");
        public static readonly JsonEncodedText Entries = JsonEncodedText.Encode("Entries");
        public static readonly JsonEncodedText Area = JsonEncodedText.Encode("Area");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("Id");
        public static readonly JsonEncodedText BackupId = JsonEncodedText.Encode("BackupId");
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("Action");
        public static readonly JsonEncodedText Changes = JsonEncodedText.Encode("Changes");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("Reason");
        public static readonly JsonEncodedText NeedsSecret = JsonEncodedText.Encode("NeedsSecret");
    }

    /// <summary>The areas' names as the compact entries give them, encoded once.</summary>
    private static readonly Dictionary<string, JsonEncodedText> AreaNames =
        ConfigurationAreas.All.ToDictionary(a => a.Name, a => JsonEncodedText.Encode(a.Name), StringComparer.Ordinal);

    private static void WriteEntry(Utf8JsonWriter json, PlanEntry entry)
    {
        json.WriteStartObject();
        json.WriteString(Names.Area, entry.Area);
        json.WriteString(Names.Id, entry.Id);
        json.WriteString(Names.BackupId, entry.BackupId);
        json.WriteNumber(Names.Action, (int)entry.Action);
        json.WriteStartArray(Names.Changes);
        foreach (var change in entry.Changes)
        {
            json.WriteStringValue(change.ToString());
        }

        json.WriteEndArray();
        json.WriteString(Names.Reason, entry.Reason);
        WriteList(json, Names.NeedsSecret, entry.NeedsSecret);
        json.WriteEndObject();
    }

    /// <summary>An entry kept compact: no changes, no reason, no missing secret; its backup id, if any, is its id.</summary>
    private static void WriteCompactEntry(Utf8JsonWriter json, string area, PlanAction action, ReadOnlySpan<byte> idUtf8, bool hasBackupId)
    {
        json.WriteStartObject();
        json.WriteString(Names.Area, AreaNames[area]);
        json.WriteString(Names.Id, idUtf8);
        if (hasBackupId)
        {
            json.WriteString(Names.BackupId, idUtf8);
        }
        else
        {
            json.WriteNull(Names.BackupId);
        }

        json.WriteNumber(Names.Action, (int)action);
        json.WriteStartArray(Names.Changes);
        json.WriteEndArray();
        json.WriteNull(Names.Reason);
        json.WriteStartArray(Names.NeedsSecret);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter json, JsonEncodedText name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
