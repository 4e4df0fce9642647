using System.Globalization;

namespace MetaBackup.Core.Import;

/// <summary>
/// How large and how deep a backup document may be before it is refused unread (docs/recovery.md, "Limits"): each
/// generous for real configurations, each stopping a hostile or damaged file before it costs much memory or time.
/// The two a large real configuration could reach are the operator's to raise: <see cref="MaxDocumentBytesVariable"/>
/// and <see cref="MaxRecordsVariable"/>.
/// </summary>
/// <param name="MaxDocumentBytes">The document's size once decompressed and decrypted; counted as it is read, so a compression bomb stops at it.</param>
/// <param name="MaxDepth">How deeply objects and arrays may nest (a backup nests five levels).</param>
/// <param name="MaxStringLength">The longest string, in characters (a private key is a few thousand).</param>
/// <param name="MaxNumberLength">The longest number, as written (a 64-bit integer is 20 characters).</param>
/// <param name="MaxRecords">Records in all areas together.</param>
/// <param name="MaxExportWarnings">Warnings the document may carry from its export (one per secret it could not read).</param>
/// <param name="WarningsKept">Warnings kept and shown; the rest are counted in one more line.</param>
/// <param name="MaxRecordBytes">The largest single record, or the metadata, in bytes: the most of the document held in memory at once.</param>
public sealed record DocumentLimits(
    long MaxDocumentBytes = DocumentLimits.DefaultMaxDocumentBytes,
    int MaxDepth = 32,
    int MaxStringLength = 1024 * 1024,
    int MaxNumberLength = 40,
    int MaxRecords = DocumentLimits.DefaultMaxRecords,
    int MaxExportWarnings = 100_000,
    int WarningsKept = 1_000,
    int MaxRecordBytes = 64 * 1024 * 1024)
{
    /// <summary>
    /// The document is read as a stream (docs/performance.md, "Import"), so its size costs time, not memory: the limit
    /// bounds how long a compression bomb takes to refuse, and is well above 5,000,000 real records.
    /// </summary>
    public const long DefaultMaxDocumentBytes = 4096L * 1024 * 1024;
    public const int DefaultMaxRecords = 5_000_000;
    public const string MaxDocumentBytesVariable = "METABACKUP_IMPORT_MAX_MB";
    public const string MaxRecordsVariable = "METABACKUP_IMPORT_MAX_RECORDS";

    /// <summary>The defaults, with what the operator set in the environment.</summary>
    public static DocumentLimits Default { get; } = FromEnvironment(Environment.GetEnvironmentVariable);

    public static DocumentLimits FromEnvironment(Func<string, string?> environment) => new()
    {
        MaxDocumentBytes = Positive(environment(MaxDocumentBytesVariable)) is { } mb ? mb * 1024 * 1024 : DefaultMaxDocumentBytes,
        MaxRecords = Positive(environment(MaxRecordsVariable)) is { } records ? (int)Math.Min(records, int.MaxValue) : DefaultMaxRecords,
    };

    private static long? Positive(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
