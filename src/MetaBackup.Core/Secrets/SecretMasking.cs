using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// Turns records into JSON that never carries a secret: every <see cref="EncryptedSecret"/>
/// property is dropped by the serializer itself, and a <c>secrets</c> object says which of the
/// record's secret fields are set. The CLI (and later the API) print records only through this.
/// </summary>
public static class SecretMasking
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropSecrets } },
    };

    /// <summary>Any result as JSON, the way every front end shows it: secret fields dropped, enums as camelCase names.</summary>
    public static JsonNode ToJson<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!;

    /// <summary>The record as JSON without any of its secret fields.</summary>
    public static JsonObject WithoutSecrets(ConfigurationArea area, ConfigRecord record) =>
        JsonSerializer.SerializeToNode(record, area.EntityType, Options)!.AsObject();

    /// <summary>The record as JSON, secrets replaced by whether they are set.</summary>
    public static JsonObject View(ConfigurationArea area, ConfigRecord record, IReadOnlyDictionary<string, bool>? secretsSet = null)
    {
        var json = WithoutSecrets(area, record);
        var secrets = new JsonObject();
        foreach (var (name, isSet) in secretsSet ?? SecretFields.WhichAreSet(area, record))
        {
            secrets[name] = isSet;
        }

        json["secrets"] = secrets;
        return json;
    }

    private static void DropSecrets(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (type.Properties[i].PropertyType == typeof(EncryptedSecret))
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}
