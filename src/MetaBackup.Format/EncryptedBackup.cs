using System.Security.Cryptography;

namespace MetaBackup.Format;

/// <summary>
/// Writes and reads encrypted backups (docs/file-format.md). Writing takes the JSON document's bytes
/// and compresses, chunks and encrypts them; reading checks the header with a key before any of the
/// body is read, then yields the decompressed JSON as it authenticates chunk by chunk.
/// </summary>
public static class EncryptedBackup
{
    public const int DefaultChunkSize = 64 * 1024;

    /// <summary>
    /// Starts an encrypted backup on <paramref name="output"/>: writes the header and returns the stream
    /// to write the JSON into. Disposing that stream completes the file; <paramref name="output"/> stays open.
    /// </summary>
    /// <param name="output">Where the file goes.</param>
    /// <param name="keys">The 32-byte keys that will each be able to open the file (at least one).</param>
    /// <param name="compression">How the JSON is compressed inside the encryption.</param>
    /// <param name="chunkSize">Plaintext bytes per chunk.</param>
    public static Stream Create(Stream output, IReadOnlyList<byte[]> keys, BackupCompression compression, int chunkSize = DefaultChunkSize) =>
        Create(output, keys, compression, chunkSize, RandomNumberGenerator.GetBytes);

    /// <summary>As <see cref="Create(Stream, IReadOnlyList{byte[]}, BackupCompression, int)"/>, with the randomness supplied (test vectors only).</summary>
    internal static Stream Create(Stream output, IReadOnlyList<byte[]> keys, BackupCompression compression, int chunkSize, Func<int, byte[]> random)
    {
        var fileKey = random(FileHeader.FileKeyLength);
        var header = FileHeader.Create(compression, chunkSize, keys, fileKey, random);
        output.Write(header.Bytes);
        var encrypting = new EncryptingStream(new NonClosingStream(output), FileHeader.PayloadKey(fileKey, header.Salt), chunkSize);
        CryptographicOperations.ZeroMemory(fileKey);
        return Compressions.Compress(encrypting, compression);
    }

    /// <summary>Reads the header of a backup (to learn which keys open it) without any key.</summary>
    public static FileHeader ReadHeader(Stream input) => FileHeader.Read(input);

    /// <summary>
    /// Opens the body of a backup whose header was read from <paramref name="input"/>: checks
    /// <paramref name="key"/> against the header (wrong key and altered header fail here, before the
    /// body) and returns the decompressed JSON. Reading it to the end authenticates every chunk.
    /// </summary>
    public static Stream OpenBody(Stream input, FileHeader header, ReadOnlySpan<byte> key)
    {
        var fileKey = header.UnlockFileKey(key);
        var body = new DecryptingStream(input, FileHeader.PayloadKey(fileKey, header.Salt), header.ChunkSize);
        CryptographicOperations.ZeroMemory(fileKey);
        return Compressions.Decompress(body, header.Compression);
    }

    /// <summary>
    /// Copies an encrypted backup from <paramref name="input"/> to <paramref name="output"/> with new key slots:
    /// <paramref name="openingKey"/> must open it (and authenticates its header); afterwards exactly
    /// <paramref name="keys"/> open the copy. The body is copied byte for byte: the file key stays the same.
    /// </summary>
    public static void Rewrap(Stream input, Stream output, ReadOnlySpan<byte> openingKey, IReadOnlyList<byte[]> keys)
    {
        var header = FileHeader.Read(input);
        var fileKey = header.UnlockFileKey(openingKey);
        try
        {
            output.Write(header.WithKeys(fileKey, keys).Bytes);
            input.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>True when the stream starts with the encrypted backup magic (the position is restored).</summary>
    public static bool LooksEncrypted(Stream seekable)
    {
        var start = seekable.Position;
        var magic = new byte[FileHeader.Magic.Length];
        var read = FileHeader.ReadFully(seekable, magic);
        seekable.Position = start;
        return read == magic.Length && magic.AsSpan().SequenceEqual(FileHeader.Magic);
    }
}
