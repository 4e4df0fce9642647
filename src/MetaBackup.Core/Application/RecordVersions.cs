using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;

namespace MetaBackup.Core.Application;

/// <summary>
/// Optimistic concurrency (docs/api.md, "Versions"): a record's version is its <see cref="ConfigRecord.UpdatedAt"/>,
/// which every change moves and which the database checks on every update and delete (a concurrency
/// token). An update or removal that names the version it read is refused with a conflict when the record
/// changed since — by that check inside the write, so no change slips in between.
/// </summary>
public static class RecordVersions
{
    /// <summary>Makes the coming save of <paramref name="record"/> succeed only if it is still at <paramref name="version"/>.</summary>
    public static void Expect(ConfigurationSession session, ConfigRecord record, DateTimeOffset? version)
    {
        if (version is not { } expected)
        {
            return;
        }

        if (record.UpdatedAt != expected)
        {
            throw Changed(record);
        }

        session.Db.Entry(record).Property(nameof(ConfigRecord.UpdatedAt)).OriginalValue = expected;
    }

    public static ConflictException Changed(ConfigRecord record) => new(
        $"The record {record.Id} was changed by someone else since it was read; nothing was changed.",
        "Read it again, and make the change on what it is now.",
        details: new Dictionary<string, string> { ["id"] = record.Id, ["version"] = record.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
}
