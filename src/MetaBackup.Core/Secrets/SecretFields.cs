using System.Reflection;
using System.Text.Json;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// Reads and writes an area's secret fields by their JSON name (<c>password</c>, <c>clientSecret</c> …),
/// from the one declaration there is: the <see cref="EncryptedSecret"/>-typed properties.
/// </summary>
public static class SecretFields
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<PropertyInfo, string> Names = new();

    /// <summary>The secret property's JSON name; made once a property, as an import asks it of every record.</summary>
    public static string NameOf(PropertyInfo property) => Names.GetOrAdd(property, p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));


    public static IEnumerable<string> NamesOf(ConfigurationArea area) => area.SecretProperties.Select(NameOf);

    /// <summary>The secret property called <paramref name="name"/>, or an error listing the area's secret fields.</summary>
    public static PropertyInfo Find(ConfigurationArea area, string name) =>
        area.SecretProperties.FirstOrDefault(p => NameOf(p) == name)
        ?? throw new InvalidInputException(
            $"{Capitalized(area.OneRecord)} has no secret field '{name}'.",
            $"Its secret fields are: {string.Join(", ", NamesOf(area))}.");

    /// <summary>Which secret fields of a record are set, by JSON name.</summary>
    public static IReadOnlyDictionary<string, bool> WhichAreSet(ConfigurationArea area, ConfigRecord record) =>
        area.SecretProperties.ToDictionary(NameOf, p => p.GetValue(record) is not null);

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
