using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.More;
using Json.Schema;

namespace MetaBackup.Core.Import;

/// <summary>
/// A schema compiled, once, into one check of whether an instance matches it: the quick yes of record validation
/// (docs/performance.md, "Import"). The library evaluates a schema by walking it for every record, allocating a result,
/// an array and a sorted copy of the keywords at each subschema — most of an import's validation. Here that walk is
/// done once, into closures; what each keyword means is still the library's own (its value types, its number
/// comparison, its equality, its formats, its regular expressions and its length in text elements), so the check agrees
/// with it. It is only ever trusted to say yes: <see cref="DocumentSchema"/> asks the library again about a record the
/// check refuses, and the library's answer and its messages are what an operator sees. A schema using a keyword this
/// compiler does not know is not compiled (<see cref="NotSupportedException"/>): the library then checks every record.
/// </summary>
internal static class SchemaCompiler
{
    /// <summary>Keywords that do not constrain an instance.</summary>
    private static readonly HashSet<string> Annotations = ["$comment", "title", "description", "examples", "default"];

    /// <summary>Keywords of the root alone: an identifier deeper down would change what a reference under it resolves to.</summary>
    private static readonly HashSet<string> RootOnly = ["$schema", "$id", "$defs"];

    private const string LocalDefinition = "#/$defs/";

    /// <summary>The check for <paramref name="schema"/>, whose <c>$ref</c>s point into its own <c>$defs</c>.</summary>
    public static Func<JsonElement, bool> Compile(JsonObject schema)
    {
        if (schema["$schema"]?.GetValue<string>() is { } dialect && dialect != "https://json-schema.org/draft/2020-12/schema")
        {
            throw new NotSupportedException($"Schemas of {dialect} are not compiled.");
        }

        var definitions = schema["$defs"] as JsonObject ?? [];
        var compiled = new Dictionary<string, StrongBox<Func<JsonElement, bool>>>(StringComparer.Ordinal);
        Func<JsonElement, bool> Definition(string name)
        {
            if (!compiled.TryGetValue(name, out var box))
            {
                // Entered before it is compiled, so that a definition that refers back to itself finds itself.
                compiled[name] = box = new StrongBox<Func<JsonElement, bool>>();
                box.Value = Compile(definitions[name] ?? throw new NotSupportedException($"No definition {name}."), Definition, root: false);
            }

            return instance => box.Value!(instance);
        }

        return Compile(schema, Definition, root: true);
    }

    private static Func<JsonElement, bool> Compile(JsonNode node, Func<string, Func<JsonElement, bool>> definition, bool root = false)
    {
        if (node is JsonValue boolean && boolean.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            var valid = boolean.GetValue<bool>();
            return _ => valid;
        }

        var schema = node as JsonObject ?? throw new NotSupportedException($"A schema is an object or a boolean, not {node.GetValueKind()}.");
        var checks = new List<Func<JsonElement, bool>>();
        Dictionary<string, Func<JsonElement, bool>>? properties = null;
        Func<JsonElement, bool>? additional = null;
        foreach (var (keyword, value) in schema)
        {
            if (Annotations.Contains(keyword) || (root && RootOnly.Contains(keyword)) || keyword is "properties" or "additionalProperties")
            {
                continue;
            }

            checks.Add(keyword switch
            {
                "$ref" => Reference(value!.GetValue<string>(), definition),
                "type" => Type(value!),
                "required" => Required([.. value!.AsArray().Select(n => n!.GetValue<string>())]),
                "items" => Items(Compile(value!, definition)),
                "minItems" => MinItems(value!.GetValue<long>()),
                "uniqueItems" => value!.GetValue<bool>() ? UniqueItems : _ => true,
                "minLength" => Length(value!.GetValue<long>(), (length, limit) => length >= limit),
                "maxLength" => Length(value!.GetValue<long>(), (length, limit) => length <= limit),
                "pattern" => Pattern(value!.GetValue<string>()),
                "format" => Format(value!.GetValue<string>()),
                "minimum" => Number(value!, comparison => comparison >= 0),
                "maximum" => Number(value!, comparison => comparison <= 0),
                "const" => Const(value),
                "enum" => Enum(value!.AsArray()),
                "anyOf" => AnyOf([.. value!.AsArray().Select(s => Compile(s!, definition))]),
                _ => throw new NotSupportedException($"The keyword {keyword} is not compiled."),
            });
        }

        if (schema["properties"] is JsonObject declared)
        {
            properties = declared.ToDictionary(p => p.Key, p => Compile(p.Value!, definition), StringComparer.Ordinal);
        }

        if (schema["additionalProperties"] is { } rest)
        {
            additional = Compile(rest, definition);
        }

        if (properties is not null || additional is not null)
        {
            checks.Add(Properties(properties ?? [], additional));
        }

        var all = checks.ToArray();
        return instance =>
        {
            foreach (var check in all)
            {
                if (!check(instance))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private static Func<JsonElement, bool> Reference(string target, Func<string, Func<JsonElement, bool>> definition) =>
        target.StartsWith(LocalDefinition, StringComparison.Ordinal) && target.AsSpan(LocalDefinition.Length).IndexOfAny('/', '~') < 0
            ? definition(target[LocalDefinition.Length..])
            : throw new NotSupportedException($"The reference {target} is not compiled.");

    /// <summary>The library's value types: an integer is a number, and a number with nothing after its point is an integer.</summary>
    private static Func<JsonElement, bool> Type(JsonNode value)
    {
        var names = value is JsonArray array ? array.Select(n => n!.GetValue<string>()) : [value.GetValue<string>()];
        var allowed = names.Aggregate((SchemaValueType)0, (types, name) => types | System.Enum.Parse<SchemaValueType>(name, ignoreCase: true));
        return instance =>
        {
            var actual = instance.GetSchemaValueType();
            return allowed.HasFlag(actual)
                || (actual == SchemaValueType.Integer && allowed.HasFlag(SchemaValueType.Number))
                || (actual == SchemaValueType.Number && allowed.HasFlag(SchemaValueType.Integer) && instance.TryGetDouble(out var number) && number == Math.Truncate(number));
        };
    }

    private static Func<JsonElement, bool> Required(string[] names) =>
        instance => instance.ValueKind != JsonValueKind.Object || names.All(name => instance.TryGetProperty(name, out _));

    private static Func<JsonElement, bool> Properties(Dictionary<string, Func<JsonElement, bool>> declared, Func<JsonElement, bool>? additional) =>
        instance =>
        {
            if (instance.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            foreach (var property in instance.EnumerateObject())
            {
                var check = declared.TryGetValue(property.Name, out var own) ? own : additional;
                if (check is not null && !check(property.Value))
                {
                    return false;
                }
            }

            return true;
        };

    private static Func<JsonElement, bool> Items(Func<JsonElement, bool> item) =>
        instance =>
        {
            if (instance.ValueKind != JsonValueKind.Array)
            {
                return true;
            }

            foreach (var element in instance.EnumerateArray())
            {
                if (!item(element))
                {
                    return false;
                }
            }

            return true;
        };

    private static Func<JsonElement, bool> MinItems(long least) =>
        instance => instance.ValueKind != JsonValueKind.Array || instance.GetArrayLength() >= least;

    private static bool UniqueItems(JsonElement instance)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var items = instance.EnumerateArray().ToList();
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (items[i].IsEquivalentTo(items[j]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>A string's length as the library counts it: in text elements (a letter and its accents are one).</summary>
    private static Func<JsonElement, bool> Length(long limit, Func<long, long, bool> within) =>
        instance => instance.ValueKind != JsonValueKind.String || within(TextElements(instance.GetString()!), limit);

    private static int TextElements(string text)
    {
        // Each printable ASCII character is a text element of its own; anything else is counted as the library counts it.
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return new StringInfo(text).LengthInTextElements;
            }
        }

        return text.Length;
    }

    /// <summary>The library's expression: ECMAScript rules.</summary>
    private static Func<JsonElement, bool> Pattern(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.ECMAScript);
        return instance => instance.ValueKind != JsonValueKind.String || regex.IsMatch(instance.GetString()!);
    }

    /// <summary>
    /// The library's own check of the format, as the validator asks for formats to be checked (<c>RequireFormatValidation</c>);
    /// for a timestamp as an export writes it, a quick yes first (<see cref="PlainTimestamp"/>).
    /// </summary>
    private static Func<JsonElement, bool> Format(string name)
    {
        var format = FormatRegistry.Global.Get(name);
        if (format == Formats.DateTime)
        {
            return instance => PlainTimestamp.IsValid(instance) || format.Validate(instance, out _);
        }

        return instance => format.Validate(instance, out _);
    }

    private static Func<JsonElement, bool> Number(JsonNode limit, Func<int, bool> within)
    {
        var bound = JsonSerializer.SerializeToElement(limit);
        return instance => instance.ValueKind != JsonValueKind.Number || within(JsonMath.NumberCompare(instance, bound));
    }

    private static Func<JsonElement, bool> Const(JsonNode? value)
    {
        var expected = JsonSerializer.SerializeToElement(value);
        return instance => instance.IsEquivalentTo(expected);
    }

    private static Func<JsonElement, bool> Enum(JsonArray values)
    {
        var allowed = values.Select(v => JsonSerializer.SerializeToElement(v)).ToArray();
        return instance => allowed.Any(value => instance.IsEquivalentTo(value));
    }

    private static Func<JsonElement, bool> AnyOf(Func<JsonElement, bool>[] branches) =>
        instance => branches.Any(branch => branch(instance));
}
