using System.Text.Json.Serialization;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// What every configuration record has (PRODUCT §2): a string id that stays stable across
/// export and import, and creation/update times. The times are stamped by the persistence layer.
/// </summary>
public abstract class ConfigRecord
{
    [JsonPropertyOrder(-1)]
    public string Id { get; set; } = RecordIds.New();

    [JsonPropertyOrder(1)]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyOrder(2)]
    public DateTimeOffset UpdatedAt { get; set; }
}
