using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// The validator reads the schema with its references written out in place (<see cref="SchemaInlining"/>, for speed):
/// it must judge every record exactly as the published schema does.
/// </summary>
public sealed class SchemaInliningTests : IDisposable
{
    private static readonly JsonNode?[] WrongValues = [null, 12, -1, "", "x", true, new JsonArray("x", null), new JsonObject { ["a"] = 1 }];

    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task Every_record_and_every_field_set_wrong_is_judged_as_the_published_schema_judges_it()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var document = await PublishedSchema.SampleDocumentAsync(session);
        var published = await PublishedSchema.LoadAsync();
        var (judged, invalid) = (0, 0);

        foreach (var (area, records) in document.Where(p => p.Key != "metadata"))
        {
            var schema = JsonSchema.FromText(PublishedSchema.RecordSchema(published, area).ToJsonString());
            foreach (var record in records!.AsArray().Select(r => r!.AsObject()))
            {
                foreach (var variant in new[] { record }.Concat(WithOneFieldWrong(record)))
                {
                    var element = JsonSerializer.SerializeToElement(variant);
                    var expected = schema.Evaluate(element, new EvaluationOptions { RequireFormatValidation = true }).IsValid;
                    Assert.True(expected == DocumentSchema.IsValidRecord(element, area, ExportDocument.SchemaVersion), $"{area}: {variant.ToJsonString()} is {(expected ? "valid" : "invalid")} under the published schema");
                    Assert.Equal(expected, DocumentSchema.ValidateRecord(element, area, "$", ExportDocument.SchemaVersion).Count == 0);
                    judged++;
                    invalid += expected ? 0 : 1;
                }
            }
        }

        // Both answers came up many times: the comparison means something.
        Assert.True(invalid > 100 && judged - invalid > 100, $"{judged} records judged, {invalid} invalid");
    }

    [Fact]
    public void A_plain_reference_is_written_out_and_one_that_leads_back_to_itself_or_has_siblings_stays()
    {
        var schema = JsonNode.Parse("""
            {
              "$defs": {
                "name": { "type": "string", "minLength": 1 },
                "node": { "type": "object", "properties": { "name": { "$ref": "#/$defs/name", "description": "annotations only" }, "child": { "$ref": "#/$defs/node" } } }
              },
              "properties": {
                "root": { "$ref": "#/$defs/node" },
                "tagged": { "$ref": "#/$defs/name", "maxLength": 3 },
                "values": { "enum": [{ "$ref": "#/$defs/name" }] }
              }
            }
            """)!.AsObject();

        var inlined = SchemaInlining.Inline(schema);

        var root = inlined["properties"]!["root"]!;
        Assert.Equal("object", root["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "type": "string", "minLength": 1 }"""), root["properties"]!["name"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "$ref": "#/$defs/node" }"""), root["properties"]!["child"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "$ref": "#/$defs/name", "maxLength": 3 }"""), inlined["properties"]!["tagged"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{ "$ref": "#/$defs/name" }]"""), inlined["properties"]!["values"]!["enum"]));
    }

    private static IEnumerable<JsonObject> WithOneFieldWrong(JsonObject record)
    {
        foreach (var field in record.Select(p => p.Key).Append("surprise"))
        {
            foreach (var wrong in WrongValues)
            {
                var variant = record.DeepClone().AsObject();
                variant[field] = wrong?.DeepClone();
                yield return variant;
            }

            var without = record.DeepClone().AsObject();
            without.Remove(field);
            yield return without;
        }
    }
}
