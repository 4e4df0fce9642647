using System.Text.Json;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Server.Http;

/// <summary>
/// The API's JSON (docs/api.md, "Conventions"): camelCase, enums as camelCase names, records as every front end
/// shows them — secret fields dropped by the serializer itself, a <c>secrets</c> object saying which are set —
/// and secrets in request bodies read straight into <see cref="SecretText"/> (<see cref="SecretMasking.ForViews"/>).
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = SecretMasking.ForViews(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
