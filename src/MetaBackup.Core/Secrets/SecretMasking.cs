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
/// record's secret fields are set. The CLI and the API show records only through this.
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

    /// <summary>
    /// How front ends show results (the CLI's output, the API's responses): as <see cref="Options"/>, and every
    /// record gains a <c>secrets</c> object saying which of its secret fields are set — never their values.
    /// </summary>
    public static readonly JsonSerializerOptions ViewOptions = ForViews(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Makes <paramref name="options"/> show results as <see cref="ViewOptions"/> does, and read secrets into <see cref="SecretText"/> (the API's JSON).</summary>
    public static JsonSerializerOptions ForViews(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new SecretTextJsonConverter());
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropSecrets, ShowWhichSecretsAreSet } };
        return options;
    }

    /// <summary>
    /// <see cref="Options"/> with one more <paramref name="modifier"/>, run on each type after its secret properties are
    /// dropped: how the export writes them back, each as its own JSON field (docs/performance.md, "Export").
    /// </summary>
    public static JsonSerializerOptions OptionsWith(Action<JsonTypeInfo> modifier) =>
        new(Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropSecrets, modifier } } };

    /// <summary>Any result as JSON, the way every front end shows it (<see cref="ViewOptions"/>).</summary>
    public static JsonNode ToJson<T>(T value) => JsonSerializer.SerializeToNode(value, ViewOptions)!;

    /// <summary>The record as JSON without any of its secret fields.</summary>
    public static JsonObject WithoutSecrets(ConfigurationArea area, ConfigRecord record) =>
        JsonSerializer.SerializeToNode(record, area.EntityType, Options)!.AsObject();

    private static void ShowWhichSecretsAreSet(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || !type.Type.IsSubclassOf(typeof(ConfigRecord)) || type.Type.IsAbstract)
        {
            return;
        }

        var area = ConfigurationAreas.All.Single(a => a.EntityType == type.Type);
        var secrets = type.CreateJsonPropertyInfo(typeof(IReadOnlyDictionary<string, bool>), "secrets");
        secrets.Get = record => SecretFields.WhichAreSet(area, (ConfigRecord)record);
        secrets.Order = 100;
        type.Properties.Add(secrets);
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
