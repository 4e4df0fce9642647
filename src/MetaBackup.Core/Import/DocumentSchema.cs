using System.Text.Json;
using Json.Schema;

namespace MetaBackup.Core.Import;

/// <summary>One way a document breaks its schema, at a JSON path such as <c>$.jobs[2].destinations</c>.</summary>
public sealed record SchemaError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// The published JSON Schema of the backup document (docs/schema/config-backup.v{N}.schema.json,
/// embedded in this assembly), and validation against it with errors that name JSON paths.
/// </summary>
public static class DocumentSchema
{
    private static readonly Dictionary<int, Lazy<JsonSchema>> Schemas = new()
    {
        [1] = new(() => Load("config-backup.v1.schema.json")),
    };

    public static IReadOnlyList<SchemaError> Validate(JsonElement document, int schemaVersion)
    {
        var result = Schemas[schemaVersion].Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }

        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => new SchemaError(JsonPath(d.InstanceLocation.ToString()), e.Value)))
            .Distinct()
            .ToList();
    }

    /// <summary>Turns a JSON Pointer (<c>/jobs/2/name</c>) into the JSON path operators read (<c>$.jobs[2].name</c>).</summary>
    private static string JsonPath(string pointer) =>
        "$" + string.Concat(pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => int.TryParse(part, out var index) ? $"[{index}]" : $".{part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)}"));

    private static JsonSchema Load(string name)
    {
        using var stream = typeof(DocumentSchema).Assembly.GetManifestResourceStream($"schema.{name}")
            ?? throw new InvalidOperationException($"The schema {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }
}
