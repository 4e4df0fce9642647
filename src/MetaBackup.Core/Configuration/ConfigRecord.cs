namespace MetaBackup.Core.Configuration;

/// <summary>
/// What every configuration record has (PRODUCT §2): a string id that stays stable across
/// export and import, and creation/update times. The times are stamped by the persistence layer.
/// </summary>
public abstract class ConfigRecord
{
    public string Id { get; set; } = RecordIds.New();
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
