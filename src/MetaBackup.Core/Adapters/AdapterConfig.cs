using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Adapters;

/// <summary>
/// An adapter's configuration while it is being changed: plain values typed as the adapter type
/// declares them, secret values in plaintext until sealed. <see cref="Validate"/> checks the whole
/// against the declaration.
/// </summary>
public sealed class AdapterConfig
{
    private readonly AdapterType _type;
    private readonly JsonObject _plain;
    private readonly Dictionary<string, SecretText> _secrets;

    private AdapterConfig(AdapterType type, JsonObject plain, Dictionary<string, SecretText> secrets)
    {
        _type = type;
        _plain = plain;
        _secrets = secrets;
    }

    public static AdapterConfig Empty(AdapterType type) => new(type, [], []);

    /// <summary>Opens a stored adapter's configuration (decrypting its secret part).</summary>
    public static AdapterConfig Load(AdapterType type, Adapter adapter, SecretCipher cipher)
    {
        var plain = JsonNode.Parse(adapter.Config) as JsonObject ?? [];
        var secrets = new Dictionary<string, SecretText>();
        if (adapter.SecretConfig is { } sealedSecrets)
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(cipher.Open(sealedSecrets).Reveal()) ?? [];
            foreach (var (key, value) in values)
            {
                secrets[key] = new SecretText(value);
            }
        }

        return new AdapterConfig(type, plain, secrets);
    }

    /// <summary>The names of the secret keys that hold a value.</summary>
    public IEnumerable<string> SecretKeysSet => _secrets.Keys.Order(StringComparer.Ordinal);

    /// <summary>A secret value, for the backend that uses it (never for display).</summary>
    public SecretText? Secret(string key) => _secrets.GetValueOrDefault(key);

    /// <summary>The plain (non-secret) values.</summary>
    public JsonObject Plain => (JsonObject)_plain.DeepClone();

    /// <summary>Sets a non-secret key from its text form, parsed by the declared type.</summary>
    public void Set(string key, string text)
    {
        var declared = Declared(key);
        if (declared.Secret)
        {
            throw new InvalidInputException(
                $"'{key}' is a secret of {_type} adapters and cannot be given as plain config.",
                "Give it as a secret, never as plain configuration.",
                new Dictionary<string, string> { ["secretKey"] = key });
        }

        _plain[key] = Parse(declared, text);
    }

    public void SetSecret(string key, SecretText value)
    {
        var declared = Declared(key);
        if (!declared.Secret)
        {
            throw new InvalidInputException($"'{key}' is not a secret of {_type} adapters.", "Give it as plain configuration.", new Dictionary<string, string> { ["configKey"] = key });
        }

        if (value.IsEmpty)
        {
            throw new InvalidInputException($"The secret '{key}' is empty.", "To remove a secret, unset it.", new Dictionary<string, string> { ["unsetKey"] = key });
        }

        _secrets[key] = value;
    }

    public void Unset(string key)
    {
        Declared(key);
        _plain.Remove(key);
        _secrets.Remove(key);
    }

    /// <summary>Checks required keys and at-least-one-of groups.</summary>
    public void Validate() => CheckRequired(_type, _plain.Select(p => p.Key).Concat(_secrets.Keys).ToHashSet());

    /// <summary>
    /// The keys a type requires, and its at-least-one-of groups, against the keys that are set. One rule
    /// for an adapter being added or changed and for one arriving in a backup (where a secret key the
    /// source had counts as set even when the backup carries it as "" — the import lists it as needing a secret).
    /// </summary>
    public static void CheckRequired(AdapterType type, IReadOnlySet<string> set)
    {
        var missing = type.Keys.Where(k => k.Required && !set.Contains(k.Name)).Select(k => k.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException(
                $"A {type} adapter needs {string.Join(", ", missing.Select(m => $"'{m}'"))}.",
                $"Set {(missing.Count > 1 ? "them" : "it")}{(missing.Any(m => type.FindKey(m)!.Secret) ? " (secret keys as secrets)" : "")}.",
                new Dictionary<string, string> { ["missingKeys"] = string.Join(",", missing.Select(m => type.FindKey(m)!.Secret ? $"secret:{m}" : m)) });
        }

        foreach (var group in type.AnyOf ?? [])
        {
            if (!group.Any(set.Contains))
            {
                throw new InvalidInputException($"A {type} adapter needs at least one of {string.Join(", ", group.Select(g => $"'{g}'"))}.");
            }
        }
    }

    /// <summary>
    /// The plain part of a stored or imported configuration (a JSON object) in its normal form: every key
    /// declared by the type and not secret, every value of the declared type — by the same parsing as a
    /// value typed on the command line, so "5432" and 5432 are one port and "abc" none.
    /// </summary>
    public static string NormalizePlain(AdapterType type, string configJson)
    {
        var config = AdapterConfig.Empty(type);
        if (JsonNode.Parse(configJson) is not JsonObject plain)
        {
            throw new InvalidInputException($"The config of a {type} adapter must be a JSON object.");
        }

        foreach (var (key, value) in plain)
        {
            var text = value switch
            {
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.ToJsonString(),
                _ => throw new InvalidInputException($"'{key}' of {type} adapters must be a single value; got {value?.ToJsonString() ?? "null"}."),
            };
            config.Set(key, text);
        }

        return config._plain.ToJsonString();
    }

    /// <summary>Writes the configuration into the adapter: plain JSON, and the secrets sealed as one JSON object.</summary>
    public void StoreInto(Adapter adapter, SecretCipher cipher)
    {
        adapter.Config = _plain.ToJsonString();
        adapter.SecretConfig = _secrets.Count == 0
            ? null
            : cipher.Seal(new SecretText(JsonSerializer.Serialize(_secrets.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value.Reveal()))));
    }

    public bool IsSet(string key) => _plain.ContainsKey(key) || _secrets.ContainsKey(key);

    /// <summary>A plain value as text (as it would be typed), or null when it is not set.</summary>
    public string? Text(string key) => _plain[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        var value => value.ToJsonString(),
    };

    private ConfigKey Declared(string key) =>
        _type.FindKey(key) ?? throw new InvalidInputException(
            $"'{key}' is not a config key of {_type} adapters.",
            $"Its keys are: {string.Join(", ", _type.Keys.Select(k => k.Secret ? $"{k.Name} (secret)" : k.Name))}.");

    private JsonNode Parse(ConfigKey key, string text)
    {
        switch (key.Type)
        {
            case ConfigValueType.Integer when long.TryParse(text, out var number):
                return JsonValue.Create(number);
            case ConfigValueType.Integer:
                throw new InvalidInputException($"'{key.Name}' of {_type} adapters must be a whole number; got '{text}'.");
            case ConfigValueType.Boolean when bool.TryParse(text, out var flag):
                return JsonValue.Create(flag);
            case ConfigValueType.Boolean:
                throw new InvalidInputException($"'{key.Name}' of {_type} adapters must be true or false; got '{text}'.");
            default:
                if (key.AllowedValues is { } allowed && !allowed.Contains(text))
                {
                    throw new InvalidInputException($"'{key.Name}' of {_type} adapters must be one of {string.Join(", ", allowed)}; got '{text}'.");
                }

                return JsonValue.Create(text);
        }
    }
}
