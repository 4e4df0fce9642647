using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// Which values were seen, and where first — kept as 128-bit hashes, not as text, so that a million records' ids and
/// names cost a few dozen megabytes (docs/performance.md, "Import"). The same value always hashes alike, so no
/// duplicate goes unseen; two different values that hash alike — possible only for a file made to — would be refused
/// as duplicates, never let through.
/// </summary>
internal sealed class DistinctValues
{
    private readonly Dictionary<UInt128, int> _first = [];

    /// <summary>Adds the value seen at <paramref name="index"/>; returns where it was seen first, or null if it was not.</summary>
    public int? Add(string value, int index)
    {
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_first, XxHash128.HashToUInt128(MemoryMarshal.AsBytes(value.AsSpan())), out var exists);
        if (exists)
        {
            return first;
        }

        first = index;
        return null;
    }
}
