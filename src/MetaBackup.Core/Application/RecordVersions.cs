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
    /// <summary>
    /// Refuses a change to <paramref name="record"/> unless it is still at <paramref name="version"/> (the same instant);
    /// the database's check on the version it was read at then refuses a change that slips in before the save.
    /// </summary>
    public static void Expect(ConfigurationSession session, ConfigRecord record, DateTimeOffset? version)
    {
        if (version is { } expected && record.UpdatedAt != expected)
        {
            session.Db.ChangeTracker.Clear();
            throw Changed(record);
        }
    }

    public static ConflictException Changed(ConfigRecord record) => new(
        $"The record {record.Id} was changed by someone else since it was read; nothing was changed.",
        "Read it again, and make the change on what it is now.",
        details: new Dictionary<string, string> { ["id"] = record.Id, ["version"] = record.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
}
