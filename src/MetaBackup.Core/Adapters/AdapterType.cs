namespace MetaBackup.Core.Adapters;

/// <summary>The type of a config value; the CLI parses and the validator checks by it.</summary>
public enum ConfigValueType
{
    String,
    Integer,
    Boolean,
}

/// <summary>One config key an adapter type accepts.</summary>
/// <param name="Name">The key as it appears in the adapter's config object.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Required">Whether an adapter of this type must set it.</param>
/// <param name="Secret">Whether it is sealed at rest, stripped from exports without secrets and masked in output.</param>
/// <param name="AllowedValues">When set, the only values accepted.</param>
public sealed record ConfigKey(
    string Name,
    ConfigValueType Type = ConfigValueType.String,
    bool Required = false,
    bool Secret = false,
    IReadOnlyList<string>? AllowedValues = null);

/// <summary>
/// An adapter type's declaration: its kind, its name and its config schema. This one
/// declaration drives validation, at-rest encryption, export stripping and masking.
/// </summary>
/// <param name="Kind">What the type connects to.</param>
/// <param name="Name">The type's name, e.g. <c>postgres</c>.</param>
/// <param name="Keys">Every config key the type accepts.</param>
/// <param name="AnyOf">Groups of keys of which at least one must be set (e.g. a URI or a host).</param>
public sealed record AdapterType(AdapterKind Kind, string Name, IReadOnlyList<ConfigKey> Keys, IReadOnlyList<IReadOnlyList<string>>? AnyOf = null)
{
    /// <summary>
    /// The key of that name, if the type accepts one. An indexed loop, neither a query nor a <c>foreach</c> (which boxes
    /// the list's enumerator): an import asks it for every key of every adapter (docs/performance.md, "Import").
    /// </summary>
    public ConfigKey? FindKey(string name)
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].Name == name)
            {
                return Keys[i];
            }
        }

        return null;
    }

    public IEnumerable<ConfigKey> SecretKeys => Keys.Where(k => k.Secret);

    public override string ToString() => $"{Kinds.Name(Kind)}/{Name}";
}
