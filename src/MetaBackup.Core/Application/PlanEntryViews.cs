using System.Collections;
using MetaBackup.Core.Import;

namespace MetaBackup.Core.Application;

/// <summary>
/// A plan's entries as front ends see them, each made when it is read (docs/performance.md, "Import"): a plan of a
/// million entries shown, printed or sent is never a million views held at once beside the plan itself.
/// </summary>
internal sealed class PlanEntryViews(IReadOnlyList<PlanEntry> entries) : IReadOnlyList<PlanEntryView>
{
    public int Count => entries.Count;

    public PlanEntryView this[int index] => View(entries[index]);

    public IEnumerator<PlanEntryView> GetEnumerator() => entries.Select(View).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static PlanEntryView View(PlanEntry e) => new(
        e.Area,
        e.Id,
        e.BackupId,
        e.Key,
        e.Action,
        [.. e.Changes.Select(c => c.Secret ? new FieldChangeView(c.Field, null, null, true) : new FieldChangeView(c.Field, c.Old?.DeepClone(), c.New?.DeepClone(), false))],
        e.Reason,
        e.NeedsSecret);
}
