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
/// embedded in this assembly), and validation against it with errors that name JSON paths. Records are checked
/// against their item schemas with references written out in place (<see cref="SchemaInlining"/>); the rest of the
/// document, whose arrays are emptied, against the schema as it is.
/// </summary>
public static class DocumentSchema
{
    private const string V1 = "config-backup.v1.schema.json";

    /// <summary>
    /// The schema, built twice: once for each output format. The library keeps what it builds from a schema for the
    /// options it last evaluated with, and rebuilds it — not safely for another thread evaluating at that moment — when
    /// the options change; so the quick check and the detailed walk each have their own instance and options, and the
    /// quick check may run on several threads at once (docs/performance.md, "Import").
    /// </summary>
    private static readonly Dictionary<int, SchemaPair> Schemas = new()
    {
        [1] = new(use => Load(V1, use)),
    };

    /// <summary>
    /// Per version, the schema of one record of each area (the item schema the document's schema names for the area's
    /// array), twice as above — and compiled into a quick yes (<see cref="SchemaCompiler"/>).
    /// </summary>
    private static readonly Dictionary<int, Lazy<IReadOnlyDictionary<string, RecordSchema>>> RecordSchemas = new()
    {
        [1] = new(() => LoadRecordSchemas(V1)),
    };

    /// <summary>
    /// Held while the library builds a schema: the builds are made when first needed, perhaps by several threads of a
    /// validation at once, and read the schema's shared tree (<see cref="LoadRecordSchemas"/>).
    /// </summary>
    private static readonly Lock Building = new();

    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };

    private static readonly EvaluationOptions Detail = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    /// <summary>
    /// Every way the document breaks the schema, by JSON path — and only those: a valid document is
    /// checked with the cheap "flag" output; an invalid one is walked in the hierarchical output, where a
    /// node that passed (an <c>anyOf</c> satisfied by one branch) hides the failures of its other branches.
    /// </summary>
    public static IReadOnlyList<SchemaError> Validate(JsonElement document, int schemaVersion) =>
        Validate(Schemas[schemaVersion], document, "$");

    /// <summary>
    /// Every way one record of <paramref name="areaName"/> breaks the schema, by JSON path from <paramref name="path"/>
    /// (<c>$.jobs[2]</c>). A document is valid exactly when its records are and the rest of it is (its arrays emptied):
    /// the schema says nothing of an area's array but the schema of its items.
    /// </summary>
    public static IReadOnlyList<SchemaError> ValidateRecord(JsonElement record, string areaName, string path, int schemaVersion)
    {
        var schema = RecordSchemas[schemaVersion].Value[areaName];
        return schema.Matches(record) ? [] : Validate(schema.Library, record, path);
    }

    /// <summary>Whether one record of <paramref name="areaName"/> matches the schema: the quick checks alone, safe on several threads at once.</summary>
    public static bool IsValidRecord(JsonElement record, string areaName, int schemaVersion) =>
        RecordSchemas[schemaVersion].Value[areaName].Matches(record);

    /// <summary>
    /// Builds what validating a document of <paramref name="schemaVersion"/> needs first: each area's record schema and
    /// its compiled check, and the library's schema of the whole for its quick check (<see cref="MadeAhead"/>).
    /// </summary>
    internal static void Prepare(int schemaVersion)
    {
        _ = RecordSchemas[schemaVersion].Value;
        _ = Schemas[schemaVersion].Flag;
    }

    /// <summary>Whether <see cref="Prepare"/> was done, by itself or by a validation.</summary>
    internal static bool IsPrepared(int schemaVersion) => RecordSchemas[schemaVersion].IsValueCreated && Schemas[schemaVersion].HasFlag;

    /// <summary>Whether the records of <paramref name="areaName"/> have the compiled check (else the library checks each of them, slower).</summary>
    internal static bool IsCompiled(string areaName, int schemaVersion) => RecordSchemas[schemaVersion].Value[areaName].Compiled is not null;

    /// <summary>
    /// The library's schema, built for each output format — each when it is first needed: a valid document needs no
    /// detailed walk, and records that pass their compiled check never reach the library (building all eighteen record
    /// schemas at once cost a 1,000-record import 70 ms of its 220 ms of validation; docs/performance.md, "Start-up").
    /// </summary>
    private sealed class SchemaPair(Func<string, JsonSchema> build)
    {
        private readonly Lazy<JsonSchema> _flag = new(() => Build(build, "flag"));
        private readonly Lazy<JsonSchema> _detail = new(() => Build(build, "detail"));

        public JsonSchema Flag => _flag.Value;

        public bool HasFlag => _flag.IsValueCreated;

        public JsonSchema Detail => _detail.Value;

        private static JsonSchema Build(Func<string, JsonSchema> build, string use)
        {
            lock (Building)
            {
                return build(use);
            }
        }
    }

    /// <summary>
    /// A record schema: the library's, and compiled, when it can be. The compiled check is trusted only to say yes; a
    /// record it refuses is asked of the library, whose answer stands.
    /// </summary>
    private sealed record RecordSchema(SchemaPair Library, Func<JsonElement, bool>? Compiled)
    {
        public bool Matches(JsonElement record) => Compiled?.Invoke(record) == true || Library.Flag.Evaluate(record, DocumentSchema.Flag).IsValid;
    }

    private static IReadOnlyList<SchemaError> Validate(SchemaPair schema, JsonElement instance, string path)
    {
        if (schema.Flag.Evaluate(instance, Flag).IsValid)
        {
            return [];
        }

        var errors = new List<SchemaError>();
        var detail = schema.Detail;
        lock (detail)
        {
            Collect(detail.Evaluate(instance, Detail), errors, path);
        }

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

    /// <summary>The schema under an identifier of its own (<paramref name="use"/>): the library registers schemas by it.</summary>
    private static JsonSchema Load(string name, string use)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(Text(name))!.AsObject();
        document["$id"] = $"{document["$id"]}/{use}";
        return JsonSchema.FromText(document.ToJsonString());
    }

    /// <summary>
    /// For each area, the document's schema with the area's item schema as its root — the same definitions, so
    /// every <c>$ref</c> inside resolves as it does in the whole document — once per output format, when first needed.
    /// </summary>
    private static IReadOnlyDictionary<string, RecordSchema> LoadRecordSchemas(string name)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(Text(name))!.AsObject();
        var schemas = new Dictionary<string, RecordSchema>(StringComparer.Ordinal);
        foreach (var (area, property) in document["properties"]!.AsObject())
        {
            if (property?["items"]?["$ref"]?.GetValue<string>() is not { } itemRef)
            {
                continue;
            }

            System.Text.Json.Nodes.JsonObject Inlined(string use) => SchemaInlining.Inline(new System.Text.Json.Nodes.JsonObject
            {
                ["$schema"] = document["$schema"]?.DeepClone(),
                ["$id"] = $"{document["$id"]}/records/{area}/{use}",
                ["$ref"] = itemRef,
                ["$defs"] = document["$defs"]!.DeepClone(),
            });
            schemas[area] = new RecordSchema(new SchemaPair(use => JsonSchema.FromText(Inlined(use).ToJsonString())), Compiled(Inlined("compiled")));
        }

        return schemas;
    }

    /// <summary>The schema compiled; none when it uses what <see cref="SchemaCompiler"/> does not compile — the library then checks every record.</summary>
    private static Func<JsonElement, bool>? Compiled(System.Text.Json.Nodes.JsonObject schema)
    {
        try
        {
            return SchemaCompiler.Compile(schema);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Text(string name)
    {
        using var stream = typeof(DocumentSchema).Assembly.GetManifestResourceStream($"schema.{name}")
            ?? throw new InvalidOperationException($"The schema {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
