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

    /// <summary>
    /// Every way the document breaks the schema, by JSON path — and only those: a valid document is
    /// checked with the cheap "flag" output; an invalid one is walked in the hierarchical output, where a
    /// node that passed (an <c>anyOf</c> satisfied by one branch) hides the failures of its other branches.
    /// </summary>
    public static IReadOnlyList<SchemaError> Validate(JsonElement document, int schemaVersion)
    {
        var schema = Schemas[schemaVersion].Value;
        if (schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true }).IsValid)
        {
            return [];
        }

        var errors = new List<SchemaError>();
        Collect(schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true }), errors);
        return errors.Distinct().ToList();
    }

    private static void Collect(EvaluationResults node, List<SchemaError> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (_, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add(new SchemaError(JsonPath(node.InstanceLocation.ToString()), message));
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, errors);
        }
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
