using System.Security.Cryptography;
using System.Text;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// A 256-bit AES key: the system key, or an Encryption Profile's key. Its fingerprint
/// identifies it without revealing it (see <see cref="Fingerprint"/>).
/// </summary>
public sealed class AesKey
{
    public const int Length = 32;

    private static readonly byte[] FingerprintLabel = Encoding.ASCII.GetBytes("metabackup key fingerprint v1");

    private readonly byte[] _bytes;

    private AesKey(byte[] bytes)
    {
        _bytes = bytes;
        Fingerprint = ComputeFingerprint(bytes);
    }

    /// <summary>
    /// 32 lower-case hex characters: the first 16 bytes of HMAC-SHA-256 keyed with the key over
    /// the ASCII label "metabackup key fingerprint v1". One-way, and distinct from any other use of the key.
    /// </summary>
    public string Fingerprint { get; }

    public static AesKey Generate() => new(RandomNumberGenerator.GetBytes(Length));

    public static AesKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new InvalidInputException($"A key must be {Length} bytes; this one is {bytes.Length}.");
        }

        return new AesKey(bytes.ToArray());
    }

    /// <summary>Parses 64 hex characters (surrounding whitespace ignored).</summary>
    /// <param name="hex">The candidate key text.</param>
    /// <param name="origin">Where the text came from, for the error message (never the text itself).</param>
    public static AesKey FromHex(string hex, string origin)
    {
        var trimmed = hex.Trim();
        if (trimmed.Length != Length * 2 || !trimmed.All(Uri.IsHexDigit))
        {
            throw new InvalidInputException(
                $"The key in {origin} is not valid: expected exactly {Length * 2} hexadecimal characters, found {trimmed.Length} characters{(trimmed.All(Uri.IsHexDigit) ? "" : " including non-hex ones")}.",
                "A key is 32 random bytes written as 64 hex digits, e.g. the output of `openssl rand -hex 32`.");
        }

        return new AesKey(Convert.FromHexString(trimmed));
    }

    public string ToHex() => Convert.ToHexStringLower(_bytes);

    /// <summary>The raw key, for the cipher that uses it. Callers must not keep or print it.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    public override string ToString() => $"key {Fingerprint}";

    private static string ComputeFingerprint(byte[] key)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, FingerprintLabel, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
