using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// The 128-bit hash by which an import keeps ids and unique values of a million records in a few dozen megabytes
/// rather than as text (docs/performance.md, "Import"). Equal values always hash alike; different values that hash
/// alike are possible only for a file made to, and are then taken as duplicates — refused, never merged silently.
/// Two 64-bit halves rather than a <see cref="UInt128"/>, which .NET aligns on 16 bytes: a dictionary entry keyed by
/// it takes 32 bytes instead of 48.
/// </summary>
internal readonly record struct ValueHash(ulong Low, ulong High)
{
    public static ValueHash Of(string value)
    {
        var hash = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(value.AsSpan()));
        return new ValueHash((ulong)hash, (ulong)(hash >> 64));
    }

    /// <summary>The hash is uniform already: its low bits serve as the dictionary's hash code.</summary>
    public override int GetHashCode() => (int)Low;
}
