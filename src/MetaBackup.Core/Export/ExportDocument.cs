namespace MetaBackup.Core.Export;

/// <summary>
/// The configuration backup document (PRODUCT §5; JSON Schema in docs/schema/). Version history:
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

    public static string AppVersion =>
        typeof(ExportDocument).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
}
