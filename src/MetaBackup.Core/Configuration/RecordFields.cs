using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// A stored record's fields by their JSON names, read through the serializer's own contract for records
/// (<see cref="SecretMasking.Options"/>: the same names, the same enum spellings, no secret field) without writing the
/// record as JSON — the import reads a unique value or a natural key of up to millions of records (docs/performance.md,
/// "Import"). A field reads as the record's JSON would give it: <see cref="ConfigurationArea.FieldText"/>.
/// </summary>
public static class RecordFields
{
    private static readonly ConcurrentDictionary<(Type, string), JsonPropertyInfo?> Properties = new();

    /// <summary>The field as text: a string as it is, any other value as JSON; null when the record has no such field, or it is null.</summary>
    public static string? Text(ConfigurationArea area, ConfigRecord record, string field)
    {
        var property = Properties.GetOrAdd((area.EntityType, field), key =>
            SecretMasking.Options.GetTypeInfo(key.Item1).Properties.FirstOrDefault(p => p.Name == key.Item2 && p.Get is not null));
        return property?.Get!(record) switch
        {
            null => null,
            string text => text,
            var value => ConfigurationArea.ValueText(JsonSerializer.SerializeToElement(value, property.PropertyType, SecretMasking.Options)),
        };
    }

    /// <summary>The record's natural key, as <see cref="ConfigurationArea.NaturalKeyOf(System.Text.Json.JsonElement)"/> reads it from the record's JSON.</summary>
    public static string NaturalKeyOf(ConfigurationArea area, ConfigRecord record) => area.NaturalKeyFrom(field => Text(area, record, field));
}
