using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// Which values were seen, and where first — kept as <see cref="ValueHash"/>es, not as text: no duplicate goes unseen,
/// and two different values that hash alike would be refused as duplicates, never let through.
/// </summary>
/// <param name="expected">How many values will be added: sized for them once, the index never grows (and for a while
/// holds its old and new tables) while a large document is read (docs/performance.md, "Import").</param>
internal sealed class DistinctValues(int expected)
{
    private readonly Dictionary<ValueHash, int> _first = new(expected);

    /// <summary>Adds the value seen at <paramref name="index"/>; returns where it was seen first, or null if it was not.</summary>
    public int? Add(string value, int index)
    {
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_first, ValueHash.Of(value), out var exists);
        if (exists)
        {
            return first;
        }

        first = index;
        return null;
    }
}
