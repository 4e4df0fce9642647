using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// The 128-bit hash by which an import keeps ids and unique values of a million records in a few dozen megabytes
/// rather than as text (docs/performance.md, "Import"). Equal values always hash alike; different values that hash
/// alike are possible only for a file made to, and are then taken as duplicates — refused, never merged silently.
/// Two 64-bit halves rather than a <see cref="UInt128"/>, which .NET aligns on 16 bytes, and packed on 4 bytes: a
/// dictionary entry keyed by it with a 4-byte value takes 28 bytes, where 8-byte alignment padded it to 32 and a
/// <see cref="UInt128"/> to 48 (sizes read with <c>Unsafe.SizeOf</c>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
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
