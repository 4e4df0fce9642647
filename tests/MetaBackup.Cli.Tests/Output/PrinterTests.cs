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
}
