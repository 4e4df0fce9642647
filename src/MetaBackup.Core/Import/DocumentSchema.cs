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

    /// <summary>Per version, the schema of one record of each area: the item schema the document's schema names for the area's array.</summary>
    private static readonly Dictionary<int, Lazy<IReadOnlyDictionary<string, JsonSchema>>> RecordSchemas = new()
    {
        [1] = new(() => LoadRecordSchemas("config-backup.v1.schema.json")),
    };

    /// <summary>
    /// Every way the document breaks the schema, by JSON path — and only those: a valid document is
    /// checked with the cheap "flag" output; an invalid one is walked in the hierarchical output, where a
    /// node that passed (an <c>anyOf</c> satisfied by one branch) hides the failures of its other branches.
    /// </summary>
    public static IReadOnlyList<SchemaError> Validate(JsonElement document, int schemaVersion) =>
        Validate(Schemas[schemaVersion].Value, document, "$");

    /// <summary>
    /// Every way one record of <paramref name="areaName"/> breaks the schema, by JSON path from <paramref name="path"/>
    /// (<c>$.jobs[2]</c>). A document is valid exactly when its records are and the rest of it is (its arrays emptied):
    /// the schema says nothing of an area's array but the schema of its items.
    /// </summary>
    public static IReadOnlyList<SchemaError> ValidateRecord(JsonElement record, string areaName, string path, int schemaVersion) =>
        Validate(RecordSchemas[schemaVersion].Value[areaName], record, path);

    /// <summary>Made once: the library keeps what it builds from a schema per options object, so new options for each record would rebuild it.</summary>
    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    private static readonly EvaluationOptions Hierarchical = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    private static IReadOnlyList<SchemaError> Validate(JsonSchema schema, JsonElement instance, string path)
    {
        if (schema.Evaluate(instance, Flag).IsValid)
        {
            return [];
        }

        var errors = new List<SchemaError>();
        Collect(schema.Evaluate(instance, Hierarchical), errors, path);
        return errors.Distinct().ToList();
    }

    private static void Collect(EvaluationResults node, List<SchemaError> errors, string path)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (_, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add(new SchemaError(JsonPath(path, node.InstanceLocation.ToString()), message));
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, errors, path);
        }
    }

    /// <summary>Turns a JSON Pointer (<c>/jobs/2/name</c>) into the JSON path operators read (<c>$.jobs[2].name</c>).</summary>
    private static string JsonPath(string path, string pointer) =>
        path + string.Concat(pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => int.TryParse(part, out var index) ? $"[{index}]" : $".{part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)}"));

    private static JsonSchema Load(string name) => JsonSchema.FromText(Text(name));

    /// <summary>
    /// For each area, the document's schema with the area's item schema as its root — the same definitions, so
    /// every <c>$ref</c> inside resolves as it does in the whole document; an identifier of its own, as the
    /// library registers schemas by it.
    /// </summary>
    private static IReadOnlyDictionary<string, JsonSchema> LoadRecordSchemas(string name)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(Text(name))!.AsObject();
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var (area, property) in document["properties"]!.AsObject())
        {
            if (property?["items"]?["$ref"]?.GetValue<string>() is not { } itemRef)
            {
                continue;
            }

            var root = new System.Text.Json.Nodes.JsonObject
            {
                ["$schema"] = document["$schema"]?.DeepClone(),
                ["$id"] = $"{document["$id"]}/records/{area}",
                ["$ref"] = itemRef,
                ["$defs"] = document["$defs"]!.DeepClone(),
            };
            schemas[area] = JsonSchema.FromText(root.ToJsonString());
        }

        return schemas;
    }

    private static string Text(string name)
    {
        using var stream = typeof(DocumentSchema).Assembly.GetManifestResourceStream($"schema.{name}")
            ?? throw new InvalidOperationException($"The schema {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
