using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Import;

/// <summary>
/// Turns a backup's record into the entity an import stores and the secrets it seals, and says which
/// fields an update changes. <paramref name="includeSecrets"/> is whether the backup carries secret values.
/// </summary>
internal sealed class IncomingRecords(SecretCipher cipher, bool includeSecrets)
{
    /// <summary>An adapter as a backup holds it, but for its configuration, which <see cref="Build"/> takes apart.</summary>
    private static readonly JsonSerializerOptions AdapterWithoutConfig = SecretMasking.OptionsWith(type =>
    {
        if (type.Type == typeof(Adapter))
        {
            type.Properties.Remove(type.Properties.Single(p => p.Name == "config"));
        }
    });

    /// <summary>
    /// Reads back a record of each area written as <see cref="Build"/> reads one: each of the serializer's contracts made,
    /// and the code it emits for them compiled, ahead of the first record planned (<see cref="MadeAhead"/>); the types it
    /// was done for (every area's, <c>MadeAheadTests</c>).
    /// </summary>
    internal static IReadOnlyList<Type> MakeContracts()
    {
        foreach (var area in ConfigurationAreas.All)
        {
            var options = area == ConfigurationAreas.Adapters ? AdapterWithoutConfig : SecretMasking.Options;
            var record = JsonSerializer.SerializeToUtf8Bytes(Activator.CreateInstance(area.EntityType), area.EntityType, options);
            JsonSerializer.Deserialize(record, area.EntityType, options);
        }

        return [.. ConfigurationAreas.All.Select(a => a.EntityType)];
    }

    /// <summary>
    /// The record as it will be stored, and its secrets: with secrets, a value sets the secret and null
    /// clears it; "" (not exported) — and anything in a backup without secrets — keeps what the database holds.
    /// </summary>
    public (ConfigRecord Incoming, Dictionary<string, SecretText?> Secrets, List<string> NeedsSecret) Build(BackupRecord record, ConfigRecord? existing)
    {
        var area = record.Area;
        var secrets = new Dictionary<string, SecretText?>();
        var needsSecret = new List<string>();
        if (area == ConfigurationAreas.Adapters)
        {
            // The configuration (an object in the backup, text in the record) is taken apart into its plain and secret
            // keys, read where it lies in the document (a tree only when a reference was rewritten in the record's).
            var config = record.HasTree ? JsonSerializer.SerializeToElement(record.Tree["config"]) : record.Element.GetProperty("config");
            var adapter = (Adapter)Read(record.Deserialize(area.EntityType, AdapterWithoutConfig));
            BuildAdapterConfig(adapter, config, existing as Adapter, secrets, needsSecret);
            return (adapter, secrets, needsSecret);
        }

        // Straight from the document's bytes, unless a reference was rewritten in the record's tree.
        var incoming = Read(record.Deserialize(area.EntityType, SecretMasking.Options));
        foreach (var property in area.SecretProperties)
        {
            var field = SecretFields.NameOf(property);
            var value = record.StringField(field);
            var held = existing is not null && property.GetValue(existing) is not null;
            if (includeSecrets && value is { Length: > 0 })
            {
                secrets[property.Name] = new SecretText(value);
            }
            else if (includeSecrets && value is null)
            {
                secrets[property.Name] = null;
            }
            else if (value is not null && !held)
            {
                needsSecret.Add(field);
            }
        }

        return (incoming, secrets, needsSecret);
    }

    /// <summary>A record read from a backup, its times as the database stores them.</summary>
    private static ConfigRecord Read(object deserialized)
    {
        var incoming = (ConfigRecord)deserialized;
        incoming.CreatedAt = StoredTime.Of(incoming.CreatedAt);
        incoming.UpdatedAt = StoredTime.Of(incoming.UpdatedAt);
        return incoming;
    }

    private void BuildAdapterConfig(Adapter adapter, JsonElement config, Adapter? existing, Dictionary<string, SecretText?> secrets, List<string> needsSecret)
    {
        var type = AdaptersService.TypeOf(adapter.Kind, adapter.Type);
        Dictionary<string, string> held = [];
        var unreadable = false;
        if (existing?.SecretConfig is { } sealedConfig)
        {
            if (cipher.TryOpen(sealedConfig) is { } opened)
            {
                held = AdapterConfig.SecretKeysIn(opened.Reveal());
            }
            else
            {
                unreadable = true;
            }
        }

        // A secret key the backup names (even as "", not exported) or the database holds counts as set.
        var named = new HashSet<string>(held.Keys);
        foreach (var key in config.EnumerateObject())
        {
            if (IsGiven(key))
            {
                named.Add(key.Name);
            }
        }

        AdapterConfig.CheckRequired(type, named);
        adapter.Config = PlainPart(config, type);
        if (unreadable && !includeSecrets)
        {
            // Unreadable where it is stored and not in the backup: left untouched (the planner reports it),
            // rather than dropped — a key restored later might still open it.
            return;
        }

        var final = includeSecrets ? new Dictionary<string, string>() : new Dictionary<string, string>(held);
        foreach (var key in config.EnumerateObject())
        {
            if (!IsGiven(key) || type.FindKey(key.Name) is not { Secret: true })
            {
                continue;
            }

            var text = key.Value.GetString() ?? "";
            if (includeSecrets && text.Length > 0)
            {
                final[key.Name] = text;
            }
            else if (held.TryGetValue(key.Name, out var kept))
            {
                final[key.Name] = kept;
            }
            else
            {
                needsSecret.Add($"config.{key.Name}");
            }
        }

        secrets[nameof(Adapter.SecretConfig)] = final.Count == 0
            ? null
            : AdapterConfig.SecretPartOf(final);
    }

    /// <summary>
    /// Whether a configuration sets the key: a key given as null is not set, exactly as an absent one (docs/schema/README.md).
    /// Asked in loops over the configuration's keys rather than through LINQ, which made an iterator and a delegate for
    /// each of an import's adapters (docs/performance.md, "Import").
    /// </summary>
    private static bool IsGiven(JsonProperty key) => key.Value.ValueKind != JsonValueKind.Null;

    /// <summary>The keys that are not declared secret, as a JSON object in their order (<see cref="Adapter.Normalize"/> then types them).</summary>
    private static string PlainPart(JsonElement config, AdapterType type)
    {
        var plain = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(plain))
        {
            writer.WriteStartObject();
            foreach (var key in config.EnumerateObject())
            {
                if (IsGiven(key) && type.FindKey(key.Name) is not { Secret: true })
                {
                    key.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(plain.WrittenSpan);
    }

    /// <summary>The fields an update changes; secrets only as "changed".</summary>
    public List<FieldChange> Compare(ConfigurationArea area, ConfigRecord existing, ConfigRecord incoming, IReadOnlyDictionary<string, SecretText?> secrets)
    {
        var before = SecretMasking.WithoutSecrets(area, existing);
        var after = SecretMasking.WithoutSecrets(area, incoming);
        if (area == ConfigurationAreas.Adapters)
        {
            before["config"] = JsonNode.Parse(((Adapter)existing).Config);
            after["config"] = JsonNode.Parse(((Adapter)incoming).Config);
        }

        var changes = new List<FieldChange>();
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Where(n => n is not ("id" or "createdAt" or "updatedAt")))
        {
            if (!JsonNode.DeepEquals(before[name], after[name]))
            {
                changes.Add(new FieldChange(name, before[name]?.DeepClone(), after[name]?.DeepClone()));
            }
        }

        foreach (var (property, value) in secrets)
        {
            var stored = area.EntityType.GetProperty(property)!.GetValue(existing) as EncryptedSecret;
            var current = stored is null ? null : cipher.TryOpen(stored)?.Reveal();
            if ((stored is not null && current is null) || current != value?.Reveal())
            {
                changes.Add(new FieldChange(SecretFields.NameOf(area.EntityType.GetProperty(property)!), null, null, Secret: true));
            }
        }

        return changes;
    }
}
