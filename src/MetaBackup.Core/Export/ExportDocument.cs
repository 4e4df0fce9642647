namespace MetaBackup.Core.Export;

/// <summary>
/// The configuration backup document (its JSON Schema and rules in docs/schema/). Version history:
/// 1 — first version.
/// </summary>
public static class ExportDocument
{
    /// <summary>The value of <c>metadata.format</c>.</summary>
    public const string Format = "metabackup-config";

    /// <summary>The schema version this MetaBackup writes.</summary>
    public const int SchemaVersion = 1;

    /// <summary>What a stripped secret becomes: "not exported", as opposed to null, "not set".</summary>
    public const string StrippedSecret = "";

    /// <summary>
    /// Whether a document says it carries secret values (<c>$.metadata.includeSecrets</c>), read from the
    /// start of the stream without parsing the rest; false when the metadata does not say so.
    /// </summary>
    public static bool SaysItIncludesSecrets(Stream document)
    {
        var buffer = new byte[64 * 1024];
        var length = document.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var reader = new System.Text.Json.Utf8JsonReader(buffer.AsSpan(0, length), isFinalBlock: length < buffer.Length, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 2 && reader.ValueTextEquals("includeSecrets"))
                {
                    return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.True;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a MetaBackup document, or its metadata is not where it belongs: it says nothing.
        }

        return false;
    }

    public static string AppVersion =>
        typeof(ExportDocument).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
}
