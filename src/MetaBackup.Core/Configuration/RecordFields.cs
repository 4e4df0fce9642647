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

    /// <summary>
    /// An enum's values as the serializer writes them, each written once: an adapter's natural key holds its kind, and an
    /// import reads the key of every adapter it plans (docs/performance.md, "Import").
    /// </summary>
    private static readonly ConcurrentDictionary<Enum, string> EnumTexts = new();

    /// <summary>The contract's property of <paramref name="type"/> named <paramref name="field"/> in JSON, if it is written.</summary>
    private static JsonPropertyInfo? Property(Type type, string field) =>
        Properties.GetOrAdd((type, field), key => SecretMasking.Options.GetTypeInfo(key.Item1).Properties.FirstOrDefault(p => p.Name == key.Item2 && p.Get is not null));

    /// <summary>The CLR property or field that <paramref name="field"/> is written from in the JSON of <paramref name="type"/>, if it is written.</summary>
    public static System.Reflection.MemberInfo? MemberOf(Type type, string field) => Property(type, field)?.AttributeProvider as System.Reflection.MemberInfo;

    /// <summary>The field as text: a string as it is, any other value as JSON; null when the record has no such field, or it is null.</summary>
    public static string? Text(ConfigurationArea area, ConfigRecord record, string field)
    {
        var property = Property(area.EntityType, field);
        return property?.Get!(record) switch
        {
            null => null,
            string text => text,
            Enum value => EnumTexts.GetOrAdd(value, static value => ConfigurationArea.ValueText(JsonSerializer.SerializeToElement(value, value.GetType(), SecretMasking.Options))!),
            var value => ConfigurationArea.ValueText(JsonSerializer.SerializeToElement(value, property.PropertyType, SecretMasking.Options)),
        };
    }

    /// <summary>The references the record holds, as <see cref="ConfigurationArea.ReferencesOf(System.Text.Json.JsonElement)"/> finds them in its JSON.</summary>
    public static IEnumerable<RecordReference> ReferencesOf(ConfigurationArea area, ConfigRecord record) =>
        area.ReferencesFrom((area, record), static (of, field) => Text(of.area, of.record, field));

    /// <summary>The ids a reference holds in the record (none when the optional field is null or empty), as <see cref="RecordReference.TargetsIn"/> reads them from its JSON.</summary>
    public static IEnumerable<string> TargetsIn(ConfigurationArea area, ConfigRecord record, RecordReference reference)
    {
        if (reference.List is not { } list)
        {
            return Text(area, record, reference.Field) is { Length: > 0 } id ? [id] : [];
        }

        return Property(area.EntityType, list)?.Get!(record) is System.Collections.IEnumerable items
            ? items.Cast<object?>().Select(item => item is null ? null : Property(item.GetType(), reference.Field)?.Get!(item) as string).OfType<string>().Where(id => id.Length > 0)
            : [];
    }

    /// <summary>The record's natural key, as <see cref="ConfigurationArea.NaturalKeyOf(System.Text.Json.JsonElement)"/> reads it from the record's JSON.</summary>
    public static string NaturalKeyOf(ConfigurationArea area, ConfigRecord record) => area.NaturalKeyFrom((area, record), static (of, field) => Text(of.area, of.record, field));
}
