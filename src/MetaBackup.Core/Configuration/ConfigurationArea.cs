using System.Reflection;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// One area of the configuration (docs/architecture.md, "Declared once"), declared once in <see cref="ConfigurationAreas"/>.
/// Export, import, key rotation, error messages and the CLI read these declarations instead of
/// listing the areas again.
/// </summary>
/// <param name="Name">The area's JSON array name in a configuration backup, e.g. <c>credentialProfiles</c>.</param>
/// <param name="Singular">How a message names one record, e.g. <c>credential profile</c>.</param>
/// <param name="EntityType">The stored record type.</param>
/// <param name="NaturalKey">What identifies "the same thing" across installations whose ids differ.</param>
/// <param name="References">The fields that hold ids of other areas' records.</param>
/// <param name="AlsoUnique">Other fields that must be unique in the area besides the natural key (JSON names).</param>
public sealed record ConfigurationArea(
    string Name,
    string Singular,
    Type EntityType,
    string NaturalKey,
    IReadOnlyList<RecordReference> References,
    IReadOnlyList<string>? AlsoUnique = null)
{
    /// <summary>Areas whose records this area's records reference.</summary>
    public IReadOnlyList<string> DependsOn { get; } = References.Select(r => r.Target).Distinct().ToArray();

    /// <summary>
    /// The area's secret fields: exactly the properties typed <see cref="EncryptedSecret"/>.
    /// The type is the declaration; nothing else lists them.
    /// </summary>
    public IReadOnlyList<PropertyInfo> SecretProperties { get; } =
        EntityType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(EncryptedSecret))
            .ToArray();

    /// <summary>One record with its article, for messages: "an adapter", "an SSO provider", "a job".</summary>
    public string OneRecord { get; } = $"{(StartsWithVowelSound(Singular) ? "an" : "a")} {Singular}";

    /// <summary>The JSON fields that make up the natural key (e.g. kind and name for adapters).</summary>
    public IReadOnlyList<string> NaturalKeyFields { get; } = NaturalKey.Split('+');

    /// <summary>What no two records of the area may share besides their ids: the natural key, then <see cref="AlsoUnique"/>.</summary>
    public IReadOnlyList<string> UniqueFields { get; } = [NaturalKey, .. AlsoUnique ?? []];

    /// <summary>
    /// The references a record holds: the area's declared <see cref="References"/>, and for a setting that
    /// names a record (<see cref="Settings.SettingKeys.References"/>), its value.
    /// </summary>
    public IEnumerable<RecordReference> ReferencesOf(System.Text.Json.Nodes.JsonObject record) =>
        ReferencesFrom(record, static (tree, field) => tree[field]?.GetValue<string>());

    /// <summary>The same references, of a record as a document holds it.</summary>
    public IEnumerable<RecordReference> ReferencesOf(System.Text.Json.JsonElement record) => ReferencesFrom(record, FieldText);

    /// <summary>
    /// The references of a record whose fields read as text this way (see <see cref="ReferencesOf(System.Text.Json.JsonElement)"/>).
    /// The record is handed to <paramref name="fieldText"/> rather than captured by it: no closure is made for each of the
    /// million records an import reads (docs/performance.md, "Import").
    /// </summary>
    internal IEnumerable<RecordReference> ReferencesFrom<TRecord>(TRecord record, Func<TRecord, string, string?> fieldText) =>
        Name == "settings" && fieldText(record, "key") is { } key && Settings.SettingKeys.References.TryGetValue(key, out var setting)
            ? [setting]
            : References;

    /// <summary>The natural key of a record in its JSON form, e.g. "database/prod"; emails compare case-insensitively.</summary>
    public string NaturalKeyOf(System.Text.Json.Nodes.JsonObject record) => NaturalKeyFrom(record, static (tree, field) => tree[field]?.ToString());

    /// <summary>
    /// The natural key made of its fields' values as text, however they are read (null: absent or null). The record is
    /// handed to <paramref name="fieldText"/> rather than captured by it, as in <see cref="ReferencesFrom"/>.
    /// </summary>
    internal string NaturalKeyFrom<TRecord>(TRecord record, Func<TRecord, string, string?> fieldText)
    {
        static string Part(TRecord record, string field, Func<TRecord, string, string?> fieldText) =>
            fieldText(record, field) is { } value ? (field == "email" ? value.ToLowerInvariant() : value) : "";

        // Most keys are one field: no joining (an import reads the key of every record, twice).
        if (NaturalKeyFields.Count == 1)
        {
            return Part(record, NaturalKeyFields[0], fieldText);
        }

        var parts = new string[NaturalKeyFields.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Part(record, NaturalKeyFields[i], fieldText);
        }

        return string.Join("/", parts);
    }

    /// <summary>
    /// The same natural key, of a record as a document holds it: read where it is, without building the record's tree
    /// (an import reads a million records this way: docs/performance.md, "Import").
    /// </summary>
    public string NaturalKeyOf(System.Text.Json.JsonElement record) => NaturalKeyFrom(record, FieldText);

    /// <summary>A field of a record as text, as its tree gives it (<c>record[field]?.ToString()</c>): a string as it is, any other value as JSON; null when absent or null.</summary>
    public static string? FieldText(System.Text.Json.JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) ? ValueText(value) : null;

    /// <summary>A value as text, as its tree gives it (<c>node?.ToString()</c>): a string as it is, any other value as JSON; null for null.</summary>
    public static string? ValueText(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null => null,
        System.Text.Json.JsonValueKind.String => value.GetString(),
        _ => System.Text.Json.Nodes.JsonNode.Parse(value.GetRawText())!.ToString(),
    };

    public override string ToString() => Name;

    /// <summary>A word read as a vowel sound: a vowel letter, or an acronym whose first letter's name starts with one (API, SSO).</summary>
    private static bool StartsWithVowelSound(string phrase)
    {
        var word = phrase.Split(' ')[0];
        return word.Length > 1 && word.All(char.IsUpper) ? "AEFHILMNORSX".Contains(word[0], StringComparison.Ordinal) : "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal);
    }
}
