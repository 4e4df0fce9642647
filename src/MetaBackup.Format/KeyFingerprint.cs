using System.Security.Cryptography;
using System.Text;

namespace MetaBackup.Format;

/// <summary>
/// A key's fingerprint (file-format.md §2): the first 16 bytes of HMAC-SHA-256 keyed with the key
/// over the ASCII label "metabackup key fingerprint v1". One-way; written as 32 lower-case hex digits.
/// </summary>
public static class KeyFingerprint
{
    public const int Length = 16;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("metabackup key fingerprint v1");

    public static byte[] Compute(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Label, mac);
        return mac[..Length].ToArray();
    }

    public static string ComputeHex(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(Compute(key));
}
