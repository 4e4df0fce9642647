using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// Secrets arrive in request bodies as JSON strings and become <see cref="SecretText"/> at once, so they never sit
/// in a plain string a log or a record's printout could show. Written back, a secret is only ever redacted.
/// </summary>
public sealed class SecretTextJsonConverter : JsonConverter<SecretText>
{
    public override SecretText? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? new SecretText(reader.GetString()!) : throw new JsonException("A secret must be a JSON string.");

    public override void Write(Utf8JsonWriter writer, SecretText value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
