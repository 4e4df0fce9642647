using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// Which values were seen, and where first — kept as <see cref="ValueHash"/>es, not as text: no duplicate goes unseen,
/// and two different values that hash alike would be refused as duplicates, never let through.
/// </summary>
internal sealed class DistinctValues
{
    private readonly Dictionary<UInt128, int> _first = [];

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
