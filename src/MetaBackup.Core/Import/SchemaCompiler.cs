using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
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
        if (all.Length == 1)
        {
            return all[0];
        }

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

    /// <summary>The names looked up in UTF-8, as the document holds them (an escaped name in the document is still found).</summary>
    private static Func<JsonElement, bool> Required(string[] names)
    {
        var utf8 = names.Select(Encoding.UTF8.GetBytes).ToArray();
        return instance =>
        {
            if (instance.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            foreach (var name in utf8)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    return false;
                }
            }

            return true;
        };
    }

    /// <summary>
    /// Each property's check found by its name as the document spells it when that is plain ASCII — no string made for
    /// it; a name escaped or beyond ASCII is read as a string (<see cref="JsonProperty.Name"/>) and found the same way.
    /// </summary>
    private static Func<JsonElement, bool> Properties(Dictionary<string, Func<JsonElement, bool>> declared, Func<JsonElement, bool>? additional)
    {
        var byText = declared.GetAlternateLookup<ReadOnlySpan<char>>();
        return instance =>
        {
            if (instance.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            Span<char> text = stackalloc char[PlainTextLimit];
            foreach (var property in instance.EnumerateObject())
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(property);
                Func<JsonElement, bool>? own;
                var known = TryPlainText(name, text, out var written)
                    ? byText.TryGetValue(text[..written], out own)
                    : declared.TryGetValue(property.Name, out own);
                var check = known ? own : additional;
                if (check is not null && !check(property.Value))
                {
                    return false;
                }
            }

            return true;
        };
    }

    /// <summary>The longest text read into a buffer on the stack; longer names and strings are read as strings.</summary>
    private const int PlainTextLimit = 256;

    /// <summary>
    /// Text as the document has it — a property's name, or a string's value between its quotes — when every byte is
    /// printable ASCII and none starts an escape: then those bytes are the text itself, one character each.
    /// </summary>
    private static bool TryPlainText(ReadOnlySpan<byte> raw, Span<char> text, out int written)
    {
        written = raw.Length;
        if (raw.Length > text.Length || !IsPlainText(raw))
        {
            return false;
        }

        Ascii.ToUtf16(raw, text, out written);
        return true;
    }

    /// <summary>Whether raw text is printable ASCII with no escape, so that each byte is one character of the text.</summary>
    private static bool IsPlainText(ReadOnlySpan<byte> raw) =>
        raw.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0 && raw.IndexOf((byte)'\\') < 0;

    /// <summary>A string's raw value without its quotes (<see cref="JsonMarshal.GetRawUtf8Value"/> includes them).</summary>
    private static ReadOnlySpan<byte> RawText(JsonElement instance)
    {
        var raw = JsonMarshal.GetRawUtf8Value(instance);
        return raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"' ? raw[1..^1] : raw;
    }

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
        instance =>
        {
            if (instance.ValueKind != JsonValueKind.String)
            {
                return true;
            }

            // Plain printable ASCII is a text element a byte, as TextElements counts it; anything else is read as a string.
            var raw = RawText(instance);
            return within(IsPlainText(raw) ? raw.Length : TextElements(instance.GetString()!), limit);
        };

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
        return instance =>
        {
            if (instance.ValueKind != JsonValueKind.String)
            {
                return true;
            }

            Span<char> text = stackalloc char[PlainTextLimit];
            return TryPlainText(RawText(instance), text, out var written) ? regex.IsMatch(text[..written]) : regex.IsMatch(instance.GetString()!);
        };
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

    /// <remarks>
    /// Two whole numbers written as such (as every port, retention and count in a backup is) are compared as 64-bit
    /// integers, exactly; any other number as the library compares it (<c>JsonMath.NumberCompare</c>, which reads both as
    /// text and made strings for every value an import checks: docs/performance.md, "Import").
    /// </remarks>
    private static Func<JsonElement, bool> Number(JsonNode limit, Func<int, bool> within)
    {
        var bound = JsonSerializer.SerializeToElement(limit);
        var wholeBound = bound.TryGetInt64(out var whole);
        return instance => instance.ValueKind != JsonValueKind.Number
            || within(wholeBound && instance.TryGetInt64(out var value) ? value.CompareTo(whole) : JsonMath.NumberCompare(instance, bound));
    }

    private static Func<JsonElement, bool> Const(JsonNode? value)
    {
        var expected = JsonSerializer.SerializeToElement(value);
        return instance => instance.IsEquivalentTo(expected);
    }

    /// <summary>An enumeration of strings — all of the schema's — compared in UTF-8 where the value lies, without a string made of it.</summary>
    private static Func<JsonElement, bool> Enum(JsonArray values)
    {
        var allowed = values.Select(v => JsonSerializer.SerializeToElement(v)).ToArray();
        if (allowed.All(value => value.ValueKind == JsonValueKind.String))
        {
            var texts = allowed.Select(value => Encoding.UTF8.GetBytes(value.GetString()!)).ToArray();
            return instance =>
            {
                if (instance.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                foreach (var text in texts)
                {
                    if (instance.ValueEquals(text))
                    {
                        return true;
                    }
                }

                return false;
            };
        }

        return instance =>
        {
            foreach (var value in allowed)
            {
                if (instance.IsEquivalentTo(value))
                {
                    return true;
                }
            }

            return false;
        };
    }

    private static Func<JsonElement, bool> AnyOf(Func<JsonElement, bool>[] branches) =>
        instance => branches.Any(branch => branch(instance));
}
