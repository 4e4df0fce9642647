using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// The 128-bit hash by which an import keeps ids and unique values of a million records in a few dozen megabytes
/// rather than as text (docs/performance.md, "Import"). Equal values always hash alike; different values that hash
/// alike are possible only for a file made to, and are then taken as duplicates — refused, never merged silently.
/// </summary>
internal static class ValueHash
{
    public static UInt128 Of(string value) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(value.AsSpan()));
}
