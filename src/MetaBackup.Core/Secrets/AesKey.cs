using System.Security.Cryptography;
using MetaBackup.Core.Configuration;
using MetaBackup.Format;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// A 256-bit AES key: the system key, or an Encryption Profile's key. Its fingerprint
/// identifies it without revealing it (see <see cref="Fingerprint"/>).
/// </summary>
public sealed class AesKey
{
    public const int Length = 32;

    private readonly byte[] _bytes;

    private AesKey(byte[] bytes)
    {
        _bytes = bytes;
        Fingerprint = KeyFingerprint.ComputeHex(bytes);
    }

    /// <summary>32 lower-case hex characters from <see cref="KeyFingerprint"/> (docs/file-format.md §2): one-way.</summary>
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
    public ReadOnlySpan<byte> Bytes => _bytes;

    public override string ToString() => $"key {Fingerprint}";
}
