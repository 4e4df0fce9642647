using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MetaBackup.Core.Import;

/// <summary>
/// What an import or a validation builds once a process before it reads its first record — the schemas and their
/// compiled checks, then the serializer's contract of each area's record, then EF Core's getters by which the records
/// an import creates are read into their INSERTs — made on the machine's other core as it opens its backup, while this
/// one finds the key and checks the document, which it reads alone. Made where first needed, they kept the validation
/// of 1,000 records waiting about 0.1 s, their plan about as long, and the thread inserting them about 50 ms
/// (docs/performance.md, "Start-up").
/// </summary>
internal static class MadeAhead
{
    private static readonly Lock Gate = new();
    private static Task? _records;
    private static Task? _getters;

    /// <summary>
    /// Starts making them, the first time it is called in a process; returns at once. The getters only for an import
    /// that will insert records (not a validation or a dry run, which would make them for nothing on a core they need),
    /// in <paramref name="insertingInto"/>, the model of the store it writes to: a process serving several stores has
    /// them made ahead for the first, and the others make theirs where first needed.
    /// </summary>
    public static void Start(IModel? insertingInto)
    {
        lock (Gate)
        {
            _records ??= Task.Run(() => Ahead(() =>
            {
                // Records are checked in the current version's schema, whatever version the document was written in.
                DocumentSchema.Prepare(ExportDocument.SchemaVersion);
                IncomingRecords.MakeContracts();
            }));
            if (insertingInto is not null)
            {
                // After the rest: validation needs the schemas first, planning the contracts, and inserting comes last.
                _getters ??= _records.ContinueWith(
                    _ => Ahead(() => GettersMade = RecordInserter.MakeGetters(insertingInto, ConfigurationAreas.All.Select(a => a.EntityType))),
                    TaskScheduler.Default);
            }
        }
    }

    /// <summary>The getters made ahead, once they are (for tests).</summary>
    internal static IReadOnlyList<IClrPropertyGetter>? GettersMade { get; private set; }

    /// <summary>Waits for what was started to be made (for tests).</summary>
    internal static Task Made => Task.WhenAll(new[] { _records, _getters }.OfType<Task>());

    private static void Ahead(Action make)
    {
        try
        {
            make();
        }
        catch (Exception)
        {
            // Only ahead of time: the import meets the same failure where it needs the thing, and reports it there.
        }
    }
}
