using System.Buffers;
using System.Text;
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
            foreach (var (key, value) in SecretKeysIn(cipher.Open(sealedSecrets).Reveal()))
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
    public void Set(string key, string text) => _plain[key] = Parse(_type, PlainKey(_type, key), text);

    public void SetSecret(string key, SecretText value)
    {
        var declared = Declared(_type, key);
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
        Declared(_type, key);
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
        // Indexed loops, the messages made only for a failure: an import checks every adapter it reads.
        List<string>? missing = null;
        for (var i = 0; i < type.Keys.Count; i++)
        {
            if (type.Keys[i] is { Required: true } key && !set.Contains(key.Name))
            {
                (missing ??= []).Add(key.Name);
            }
        }

        if (missing is not null)
        {
            throw new InvalidInputException(
                $"A {type} adapter needs {string.Join(", ", missing.Select(m => $"'{m}'"))}.",
                $"Set {(missing.Count > 1 ? "them" : "it")}{(missing.Any(m => type.FindKey(m)!.Secret) ? " (secret keys as secrets)" : "")}.",
                new Dictionary<string, string> { ["missingKeys"] = string.Join(",", missing.Select(m => type.FindKey(m)!.Secret ? $"secret:{m}" : m)) });
        }

        for (var i = 0; i < (type.AnyOf?.Count ?? 0); i++)
        {
            var group = type.AnyOf![i];
            if (!SetsAnyOf(set, group))
            {
                throw new InvalidInputException($"A {type} adapter needs at least one of {string.Join(", ", group.Select(g => $"'{g}'"))}.");
            }
        }
    }

    private static bool SetsAnyOf(IReadOnlySet<string> set, IReadOnlyList<string> group)
    {
        for (var i = 0; i < group.Count; i++)
        {
            if (set.Contains(group[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The plain part of a stored or imported configuration (a JSON object) in its normal form: every key
    /// declared by the type and not secret, every value of the declared type — by the same parsing as a
    /// value typed on the command line, so "5432" and 5432 are one port and "abc" none. Read and written as a
    /// stream, no tree: an import normalises every adapter it reads, twice (docs/performance.md, "Import").
    /// </summary>
    public static string NormalizePlain(AdapterType type, string configJson)
    {
        using var document = JsonDocument.Parse(configJson);
        var config = document.RootElement;
        if (config.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException($"The config of a {type} adapter must be a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var normal = new ArrayBufferWriter<byte>(configJson.Length + 16);
        using (var writer = new Utf8JsonWriter(normal))
        {
            writer.WriteStartObject();
            foreach (var property in config.EnumerateObject())
            {
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => throw new InvalidInputException($"'{property.Name}' of {type} adapters must be a single value; got {property.Value.GetRawText()}."),
                };
                var key = PlainKey(type, property.Name);
                if (!seen.Add(key.Name))
                {
                    throw new InvalidInputException($"'{key.Name}' is given twice in the config of a {type} adapter.");
                }

                writer.WritePropertyName(key.Name);
                Parse(type, key, text).WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(normal.WrittenSpan);
    }

    /// <summary>Writes the configuration into the adapter: plain JSON, and the secrets sealed as one JSON object.</summary>
    public void StoreInto(Adapter adapter, SecretCipher cipher)
    {
        adapter.Config = _plain.ToJsonString();
        adapter.SecretConfig = _secrets.Count == 0
            ? null
            : cipher.Seal(SecretPartOf(_secrets.Select(s => KeyValuePair.Create(s.Key, s.Value.Reveal()))));
    }

    /// <summary>
    /// The secret part of an adapter's configuration as it is sealed (<see cref="Adapter.SecretConfig"/>): one JSON object
    /// of the secret keys, in ordinal order. Written and read only here, so that the same secrets always seal the same
    /// text — an import tells a changed secret from an unchanged one by that text.
    /// </summary>
    internal static SecretText SecretPartOf(IEnumerable<KeyValuePair<string, string>> secrets) =>
        new(JsonSerializer.Serialize(secrets.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value)));

    /// <summary>The secret keys and their values in an opened secret part (<see cref="SecretPartOf"/>).</summary>
    internal static Dictionary<string, string> SecretKeysIn(string secretPart) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(secretPart) ?? [];

    public bool IsSet(string key) => _plain.ContainsKey(key) || _secrets.ContainsKey(key);

    /// <summary>A plain value as text (as it would be typed), or null when it is not set.</summary>
    public string? Text(string key) => _plain[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        var value => value.ToJsonString(),
    };

    private static ConfigKey Declared(AdapterType type, string key) =>
        type.FindKey(key) ?? throw new InvalidInputException(
            $"'{key}' is not a config key of {type} adapters.",
            $"Its keys are: {string.Join(", ", type.Keys.Select(k => k.Secret ? $"{k.Name} (secret)" : k.Name))}.");

    /// <summary>A key declared by the type that is not secret: one that plain configuration may set.</summary>
    private static ConfigKey PlainKey(AdapterType type, string key)
    {
        var declared = Declared(type, key);
        if (declared.Secret)
        {
            throw new InvalidInputException(
                $"'{key}' is a secret of {type} adapters and cannot be given as plain config.",
                "Give it as a secret, never as plain configuration.",
                new Dictionary<string, string> { ["secretKey"] = key });
        }

        return declared;
    }

    private static JsonNode Parse(AdapterType type, ConfigKey key, string text)
    {
        switch (key.Type)
        {
            case ConfigValueType.Integer when long.TryParse(text, out var number):
                return JsonValue.Create(number);
            case ConfigValueType.Integer:
                throw new InvalidInputException($"'{key.Name}' of {type} adapters must be a whole number; got '{text}'.");
            case ConfigValueType.Boolean when bool.TryParse(text, out var flag):
                return JsonValue.Create(flag);
            case ConfigValueType.Boolean:
                throw new InvalidInputException($"'{key.Name}' of {type} adapters must be true or false; got '{text}'.");
            default:
                if (key.AllowedValues is { } allowed && !allowed.Contains(text))
                {
                    throw new InvalidInputException($"'{key.Name}' of {type} adapters must be one of {string.Join(", ", allowed)}; got '{text}'.");
                }

                return JsonValue.Create(text);
        }
    }
}
