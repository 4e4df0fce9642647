using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// Turns one record into its JSON form in the backup document. Secret fields are found by their
/// declaration (<see cref="EncryptedSecret"/> properties; for adapters, the type's secret config
/// keys): with secrets they carry their decrypted value, without they become "" when set; null
/// means not set. A secret that fails to decrypt is reported, never silently dropped.
/// </summary>
internal sealed class RecordExporter(SecretCipher cipher, bool includeSecrets)
{
    public JsonObject Export(ConfigurationArea area, ConfigRecord record, List<SecretFailure> failures)
    {
        // The masking serializer drops every secret property; secrets are then added back explicitly.
        var json = SecretMasking.WithoutSecrets(area, record);
        if (record is Adapter adapter)
        {
            json["config"] = AdapterConfig(adapter, failures);
            return json;
        }

        foreach (var property in area.SecretProperties)
        {
            json[SecretFields.NameOf(property)] = property.GetValue(record) is EncryptedSecret secret
                ? (includeSecrets ? Open(area, record, property, secret, failures) ?? ExportDocument.StrippedSecret : ExportDocument.StrippedSecret)
                : null;
        }

        return json;
    }

    /// <summary>Opens every secret this export will need, recording each failure (the check before writing).</summary>
    public void Check(ConfigurationArea area, ConfigRecord record, List<SecretFailure> failures)
    {
        foreach (var property in area.SecretProperties)
        {
            if (property.GetValue(record) is EncryptedSecret secret && (includeSecrets || record is Adapter))
            {
                Open(area, record, property, secret, failures);
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

    private JsonObject AdapterConfig(Adapter adapter, List<SecretFailure> failures)
    {
        var config = JsonNode.Parse(adapter.Config)!.AsObject();
        if (adapter.SecretConfig is null)
        {
            return config;
        }

        var opened = Open(ConfigurationAreas.Adapters, adapter, typeof(Adapter).GetProperty(nameof(Adapter.SecretConfig))!, adapter.SecretConfig, failures);
        if (opened is null)
        {
            // Which secret keys it held is itself sealed: the export's warnings name the failure.
            return config;
        }

        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(opened) ?? [])
        {
            config[key] = includeSecrets ? value : ExportDocument.StrippedSecret;
        }

        return config;
    }

    /// <summary>The secret's value, or null (and the failure recorded under the field's JSON name) when it cannot be decrypted.</summary>
    private string? Open(ConfigurationArea area, ConfigRecord record, PropertyInfo property, EncryptedSecret secret, List<SecretFailure> failures)
    {
        try
        {
            return cipher.Open(secret).Reveal();
        }
        catch (SecretDecryptionException e)
        {
            failures.Add(new SecretFailure(area.Name, Describe(area, record), SecretFields.NameOf(property), e.Message));
            return null;
        }
    }
}
