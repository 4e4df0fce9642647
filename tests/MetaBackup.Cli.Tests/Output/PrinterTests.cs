using System.Text.Json.Nodes;
using MetaBackup.Cli.Output;

namespace MetaBackup.Cli.Tests.Output;

/// <summary>
/// `import --json` writes the plan's entries as it reads them (<see cref="Printer.Object(JsonObject, string, IEnumerable{JsonNode})"/>):
/// the text must be the one the whole object, built as one tree, would have printed.
/// </summary>
public sealed class PrinterTests
{
    [Fact]
    public void An_object_with_its_list_streamed_prints_as_the_object_built_whole_would()
    {
        var view = new JsonObject
        {
            ["file"] = "backup <1>.json.gz.enc",
            ["applied"] = true,
            ["safetySnapshot"] = null,
            ["counts"] = new JsonObject { ["groups.create"] = 3, ["zoë"] = "日本 🗄️ \"quoted\" \\ \u0001" },
            ["warnings"] = new JsonArray("one", "two"),
        };
        // Enough entries to fill the output buffer several times over.
        var entries = Enumerable.Range(0, 5_000).Select(i => (JsonNode?)new JsonObject
        {
            ["area"] = "groups",
            ["id"] = $"id-{i}",
            ["key"] = $"groüp {i} <&>",
            ["changes"] = new JsonArray(),
            ["reason"] = i % 7 == 0 ? null : "a reason",
        }).ToList();

        var streamed = new StringWriter();
        new Printer(streamed, TextWriter.Null, json: true).Object(view.DeepClone().AsObject(), "plan", entries.Select(e => e?.DeepClone()));
        var whole = new StringWriter();
        var built = view.DeepClone().AsObject();
        built["plan"] = new JsonArray(entries.Select(e => e?.DeepClone()).ToArray());
        new Printer(whole, TextWriter.Null, json: true).Object(built);

        Assert.True(streamed.ToString().Length > 200_000);
        Assert.Equal(whole.ToString(), streamed.ToString());
    }

    [Fact]
    public void Without_json_the_list_is_not_printed_with_the_object()
    {
        var streamed = new StringWriter();
        new Printer(streamed, TextWriter.Null, json: false).Object(new JsonObject { ["applied"] = false }, "plan", [new JsonObject { ["area"] = "groups" }]);

        Assert.Equal($"applied: false{Environment.NewLine}", streamed.ToString());
    }

    [Fact]
    public void A_table_pads_each_column_to_its_widest_cell_and_ends_no_line_in_whitespace()
    {
        var rows = new[] { ("groups", "create", "ops", ""), ("users", "update", "a much longer key", "email: \"a\" → \"b\"  ") };
        var printed = new StringWriter();

        new Printer(printed, TextWriter.Null, json: false).TextTable(
            () => rows,
            new Column<(string, string, string, string)>("area", r => r.Item1),
            new("action", r => r.Item2),
            new("key", r => r.Item3),
            new("details", r => r.Item4));

        Assert.Equal(
            string.Join(Environment.NewLine, [
                "AREA    ACTION  KEY                DETAILS",
                "groups  create  ops",
                "users   update  a much longer key  email: \"a\" → \"b\"",
                ""]),
            printed.ToString());
    }

    [Fact]
    public void A_table_of_JSON_rows_prints_each_cell_as_a_person_reads_it()
    {
        var rows = new[]
        {
            new JsonObject { ["name"] = "nightly", ["at"] = "2026-12-05T21:14:03.123+01:00", ["size"] = 1234, ["owner"] = new JsonObject { ["name"] = "zoë" } },
            new JsonObject { ["name"] = "x", ["at"] = null, ["size"] = null },
        };
        var printed = new StringWriter();

        new Printer(printed, TextWriter.Null, json: false).Table(rows, "name", "at", "size", "owner.name");

        Assert.Equal(
            string.Join(Environment.NewLine, [
                "NAME     AT                    SIZE  OWNER.NAME",
                "nightly  2026-12-05 20:14:03Z  1234  zoë",
                "x        -                     -     -",
                ""]),
            printed.ToString());
    }
}
