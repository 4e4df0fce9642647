using System.Security.Cryptography;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// Random nonces for sealing secrets, drawn from the system's CSPRNG a block at a time. Each call of
/// <see cref="RandomNumberGenerator.Fill"/> costs about 3 µs whatever its length (OpenSSL's DRBG per call) — as much as
/// sealing a short secret, a million times in an import of a million records — while a block of 4 KiB costs as much as
/// a few nonces (docs/performance.md, "Import"). A block belongs to one thread, and each byte of it is handed out once
/// and then cleared, so no two nonces share bytes.
/// </summary>
internal static class RandomNonces
{
    private const int BlockSize = 4096;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    /// <summary>Fills <paramref name="nonce"/> with random bytes never handed out before.</summary>
    public static void Fill(Span<byte> nonce)
    {
        if (nonce.Length > BlockSize / 4)
        {
            RandomNumberGenerator.Fill(nonce);
            return;
        }

        var block = t_block;
        if (block is null || t_next + nonce.Length > BlockSize)
        {
            block = t_block ??= new byte[BlockSize];
            RandomNumberGenerator.Fill(block);
            t_next = 0;
        }

        var taken = block.AsSpan(t_next, nonce.Length);
        taken.CopyTo(nonce);
        taken.Clear();
        t_next += nonce.Length;
    }
}
