using MetaBackup.Core.Export;

namespace MetaBackup.Core.Import;

/// <summary>
/// What an import or a validation builds once a process before it reads its first record — the schemas and their
/// compiled checks, then the serializer's contract of each area's record — made on the machine's other core as it
/// opens its backup, while this one finds the key and checks the document, which it reads alone. Made where first
/// needed, they kept the validation of 1,000 records waiting about 0.1 s and their plan about as long
/// (docs/performance.md, "Start-up").
/// </summary>
internal static class MadeAhead
{
    private static readonly Lazy<Task> Started = new(() => Task.Run(() =>
    {
        try
        {
            // Records are checked in the current version's schema, whatever version the document was written in.
            DocumentSchema.Prepare(ExportDocument.SchemaVersion);
            IncomingRecords.MakeContracts();
        }
        catch (Exception)
        {
            // Only ahead of time: the import meets the same failure where it needs the thing, and reports it there.
        }
    }));

    /// <summary>Starts making them, the first time it is called in a process; returns at once.</summary>
    public static void Start() => _ = Started.Value;

    /// <summary>Waits for them to be made (for tests).</summary>
    internal static Task Made => Started.Value;
}
