using System.Runtime;

namespace MetaBackup.Core.Import;

/// <summary>
/// Between the import's phases, most of what one phase built becomes garbage at once — validation's sets of every id
/// and key, the applier's tracked batches — while the next phase builds large tables of its own. Left to itself the
/// runtime's collector does not collect the large-object heap before those tables are allocated, so a process held
/// both: at a million records the import's peak memory was 322 MiB, and 284 MiB with the heap compacted at the three
/// boundaries — after validation, after planning, before verification (docs/performance.md, "Memory at a million
/// records"); an import into an empty configuration, which plans and inserts at once, at the end of each area's planning
/// instead of after planning (docs/performance.md, "Import"). Below
/// <see cref="RecordsWorthIt"/> records the garbage is small and a full collection would only cost time.
/// </summary>
internal static class PhaseBoundary
{
    private const int RecordsWorthIt = 50_000;

    public static void ReleaseGarbage(int records)
    {
        if (records < RecordsWorthIt)
        {
            return;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
