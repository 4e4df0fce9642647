using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// A field of one area's records that holds the id of another area's record, declared once in
/// <see cref="ConfigurationAreas"/>. Import remaps, checks and orders by these declarations.
/// </summary>
/// <param name="Path">The field's JSON name; <c>list[].field</c> for a field of each item of a list.</param>
/// <param name="Target">The area the id belongs to.</param>
/// <param name="Kind">For adapter references: the kind the adapter must be.</param>
/// <param name="Optional">Whether the field may be null.</param>
public sealed record RecordReference(string Path, string Target, AdapterKind? Kind = null, bool Optional = false)
{
    /// <summary>
    /// The list holding the field, for <c>list[].field</c> paths; null for a plain field. Made once, as <see cref="Field"/>
    /// is: an import reads both for every reference of every record it plans (docs/performance.md, "Import").
    /// </summary>
    public string? List { get; } = Path.Contains("[].", StringComparison.Ordinal) ? Path[..Path.IndexOf("[]", StringComparison.Ordinal)] : null;

    /// <summary>The field's own name.</summary>
    public string Field { get; } = Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>The JSON objects holding the field in a record: the record itself, or each item of its list.</summary>
    public IEnumerable<JsonObject> HoldersIn(JsonObject record) =>
        List is { } list ? record[list]?.AsArray().Select(i => i!.AsObject()) ?? [] : [record];

    /// <summary>The same holders, in a record as a document holds it.</summary>
    public ElementHolders HoldersIn(System.Text.Json.JsonElement record) =>
        List is not { } list ? ElementHolders.Record(record)
        : record.TryGetProperty(list, out var items) && items.ValueKind == System.Text.Json.JsonValueKind.Array ? ElementHolders.ItemsOf(items)
        : ElementHolders.None;

    /// <summary>The ids this reference holds in a record (none when the optional field is null or empty).</summary>
    public IEnumerable<string> TargetsIn(JsonObject record) =>
        HoldersIn(record).Select(h => h[Field]?.GetValue<string>()).OfType<string>().Where(id => id.Length > 0);
}
