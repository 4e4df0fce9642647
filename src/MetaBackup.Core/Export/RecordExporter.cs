using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Export;

/// <summary>A stored secret that could not be decrypted during an export.</summary>
public sealed record SecretFailure(string Area, string Record, string Field, string Reason)
{
    public override string ToString() => $"{Area} {Record}: {Field} could not be decrypted ({Reason})";
}

/// <summary>
/// Writes records into the backup document. Secret fields are found by their declaration (<see cref="EncryptedSecret"/>
/// properties; for adapters, the type's secret config keys): with secrets they carry their decrypted value, without they
/// become "" when set; null means not set. A secret that fails to decrypt is reported in <see cref="Failures"/>, never
/// silently dropped. One exporter writes one document.
/// </summary>
internal sealed class RecordExporter
{
    private readonly SecretCipher _cipher;
    private readonly bool _includeSecrets;

    /// <summary>
    /// The document's JSON: the masking serializer drops every secret property, and this exporter's modifier adds each
    /// back as a field written by <see cref="SecretValue"/>, after the record's other fields. A record is serialised
    /// straight into the document's writer, never built as a tree first (docs/performance.md, "Export").
    /// </summary>
    private readonly JsonSerializerOptions _document;

    public RecordExporter(SecretCipher cipher, bool includeSecrets)
    {
        _cipher = cipher;
        _includeSecrets = includeSecrets;
        _document = SecretMasking.OptionsWith(WriteSecretsBack);
    }

    /// <summary>The secrets that could not be decrypted so far.</summary>
    public List<SecretFailure> Failures { get; } = [];

    /// <summary>Writes one record of <paramref name="area"/> into the document.</summary>
    public void Write(Utf8JsonWriter json, ConfigurationArea area, ConfigRecord record) =>
        JsonSerializer.Serialize(json, record, area.EntityType, _document);

    /// <summary>Opens every secret this export will need, recording each failure (the check before writing).</summary>
    public void Check(ConfigurationArea area, ConfigRecord record)
    {
        foreach (var property in area.SecretProperties)
        {
            if (property.GetValue(record) is EncryptedSecret secret && (_includeSecrets || record is Adapter))
            {
                Open(area, record, property, secret);
            }
        }
    }

    /// <summary>"kind/name", "email" …: the natural key of a record, for messages.</summary>
    public static string Describe(ConfigurationArea area, ConfigRecord record)
    {
        var parts = area.NaturalKey.Split('+')
            .Select(name => area.EntityType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.GetValue(record))
            .Select(value => value is Enum e ? Kinds.Name((AdapterKind)e) : value?.ToString());
        return $"'{string.Join("/", parts)}' (id {record.Id})";
    }

    private void WriteSecretsBack(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || ConfigurationAreas.All.SingleOrDefault(a => a.EntityType == type.Type) is not { } area)
        {
            return;
        }

        if (type.Type == typeof(Adapter))
        {
            // An adapter's secret config keys go back into its config, which the document holds as an object, not as the stored text.
            var stored = type.Properties.Single(p => p.Name == "config");
            var config = type.CreateJsonPropertyInfo(typeof(JsonObject), stored.Name);
            config.Get = adapter => AdapterConfig((Adapter)adapter);
            type.Properties[type.Properties.IndexOf(stored)] = config;
            return;
        }

        foreach (var property in area.SecretProperties)
        {
            var field = type.CreateJsonPropertyInfo(typeof(string), SecretFields.NameOf(property));
            field.Get = record => SecretValue(area, (ConfigRecord)record, property);
            field.Order = int.MaxValue; // after every other field (the base record's stamps are ordered last), where the document has always had them
            type.Properties.Add(field);
        }
    }

    /// <summary>What the document carries for one secret field: null when not set, else its value with secrets, "" without (or when it cannot be decrypted).</summary>
    private string? SecretValue(ConfigurationArea area, ConfigRecord record, PropertyInfo property) =>
        property.GetValue(record) is EncryptedSecret secret
            ? (_includeSecrets ? Open(area, record, property, secret) ?? ExportDocument.StrippedSecret : ExportDocument.StrippedSecret)
            : null;

    private JsonObject AdapterConfig(Adapter adapter)
    {
        var config = JsonNode.Parse(adapter.Config)!.AsObject();
        if (adapter.SecretConfig is null)
        {
            return config;
        }

        var opened = Open(ConfigurationAreas.Adapters, adapter, typeof(Adapter).GetProperty(nameof(Adapter.SecretConfig))!, adapter.SecretConfig);
        if (opened is null)
        {
            // Which secret keys it held is itself sealed: the export's warnings name the failure.
            return config;
        }

        foreach (var (key, value) in Adapters.AdapterConfig.SecretKeysIn(opened))
        {
            config[key] = _includeSecrets ? value : ExportDocument.StrippedSecret;
        }

        return config;
    }

    /// <summary>The secret's value, or null (and the failure recorded under the field's JSON name) when it cannot be decrypted.</summary>
    private string? Open(ConfigurationArea area, ConfigRecord record, PropertyInfo property, EncryptedSecret secret)
    {
        try
        {
            return _cipher.Open(secret).Reveal();
        }
        catch (SecretDecryptionException e)
        {
            Failures.Add(new SecretFailure(area.Name, Describe(area, record), SecretFields.NameOf(property), e.Message));
            return null;
        }
    }
}
