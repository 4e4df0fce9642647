using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MetaBackup.Format;

/// <summary>One key slot: a key's fingerprint and the file key wrapped under it (file-format.md §4).</summary>
public sealed record KeySlot(byte[] Fingerprint, byte[] Nonce, byte[] WrappedFileKey, byte[] Tag)
{
    public string FingerprintHex => Convert.ToHexStringLower(Fingerprint);
}

/// <summary>
/// The plaintext, authenticated header of an encrypted backup (file-format.md §3):
/// magic, version, compression, chunk size, salt, key slots, and an HMAC over all of it.
/// </summary>
public sealed class FileHeader
{
    public static readonly byte[] Magic = Encoding.ASCII.GetBytes("METABKUP");
    public const byte Version = 1;
    public const int FixedLength = 33;
    public const int SlotLength = KeyFingerprint.Length + NonceLength + FileKeyLength + TagLength;
    public const int MacLength = 32;
    public const int MinChunkSize = 64;
    public const int MaxChunkSize = 16 * 1024 * 1024;
    public const int MaxSlots = 16;
    internal const int SaltLength = 16;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;
    internal const int FileKeyLength = 32;

    private static readonly byte[] WrapInfo = Encoding.ASCII.GetBytes("metabackup v1 key wrap");
    private static readonly byte[] HeaderInfo = Encoding.ASCII.GetBytes("metabackup v1 header");
    private static readonly byte[] PayloadInfo = Encoding.ASCII.GetBytes("metabackup v1 payload");

    private readonly byte[] _bytes;

    private FileHeader(BackupCompression compression, int chunkSize, byte[] salt, IReadOnlyList<KeySlot> slots, byte[] bytes)
    {
        Compression = compression;
        ChunkSize = chunkSize;
        Salt = salt;
        Slots = slots;
        _bytes = bytes;
    }

    public BackupCompression Compression { get; }

    /// <summary>Plaintext bytes per body chunk.</summary>
    public int ChunkSize { get; }

    public byte[] Salt { get; }

    public IReadOnlyList<KeySlot> Slots { get; }

    /// <summary>The fingerprints of the keys that open the file, as hex.</summary>
    public IEnumerable<string> Fingerprints => Slots.Select(s => s.FingerprintHex);

    /// <summary>The header's bytes, MAC included.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Builds a header for a new file key, wrapping it under each recipient key.</summary>
    internal static FileHeader Create(BackupCompression compression, int chunkSize, IReadOnlyList<byte[]> recipientKeys, byte[] fileKey, Func<int, byte[]> random) =>
        Create(compression, chunkSize, recipientKeys, fileKey, random(SaltLength), random);

    /// <summary>
    /// This header with other key slots: the same file key, salt, compression and chunk size — so the body
    /// stays valid as it is — wrapped under <paramref name="recipientKeys"/> instead (docs/file-format.md §4).
    /// </summary>
    internal FileHeader WithKeys(byte[] fileKey, IReadOnlyList<byte[]> recipientKeys) =>
        Create(Compression, ChunkSize, recipientKeys, fileKey, Salt, RandomNumberGenerator.GetBytes);

    private static FileHeader Create(BackupCompression compression, int chunkSize, IReadOnlyList<byte[]> recipientKeys, byte[] fileKey, byte[] salt, Func<int, byte[]> random)
    {
        if (recipientKeys.Count is 0 or > MaxSlots)
        {
            throw new ArgumentException($"A file has 1 to {MaxSlots} keys.", nameof(recipientKeys));
        }

        if (chunkSize is < MinChunkSize or > MaxChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize));
        }

        var fixedPart = FixedPart(compression, chunkSize, salt, recipientKeys.Count);
        var slots = new List<KeySlot>();
        foreach (var key in recipientKeys)
        {
            var fingerprint = KeyFingerprint.Compute(key);
            var nonce = random(NonceLength);
            var wrapped = new byte[FileKeyLength];
            var tag = new byte[TagLength];
            using var aes = new AesGcm(WrapKey(key), TagLength);
            aes.Encrypt(nonce, fileKey, wrapped, tag, (byte[])[.. fixedPart, .. fingerprint]);
            slots.Add(new KeySlot(fingerprint, nonce, wrapped, tag));
        }

        var unsigned = Concat(fixedPart, slots);
        var mac = HMACSHA256.HashData(HeaderKey(fileKey, salt), unsigned);
        return new FileHeader(compression, chunkSize, salt, slots, [.. unsigned, .. mac]);
    }

    /// <summary>Reads and checks the header's structure (not yet its MAC, which needs the file key).</summary>
    public static FileHeader Read(Stream input)
    {
        var fixedPart = new byte[FixedLength];
        var got = ReadFully(input, fixedPart);
        if (got < Magic.Length || !fixedPart.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new BackupFileException(BackupFileProblem.NotABackupFile,
                "This is not a MetaBackup encrypted backup (its first bytes are not \"METABKUP\").",
                "Plain .json, .json.gz and .json.br exports are not encrypted and need no key.");
        }

        if (got > Magic.Length && fixedPart[8] != Version)
        {
            throw new BackupFileException(BackupFileProblem.UnsupportedVersion,
                $"This backup uses encrypted file format version {fixedPart[8]}; this MetaBackup reads version {Version}.",
                "Use a newer MetaBackup to read it.");
        }

        if (got < FixedLength)
        {
            throw Damaged("it ends inside its header");
        }

        var compression = (BackupCompression)fixedPart[9];
        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(fixedPart.AsSpan(12, 4));
        if (!Enum.IsDefined(compression) || fixedPart[10] != 0 || fixedPart[11] != 0 || chunkSize is < MinChunkSize or > MaxChunkSize || fixedPart[32] is 0 or > MaxSlots)
        {
            throw Damaged("its header has values no writer produces");
        }

        var rest = new byte[(fixedPart[32] * SlotLength) + MacLength];
        if (ReadFully(input, rest) < rest.Length)
        {
            throw Damaged("it ends inside its header");
        }

        var slots = new List<KeySlot>();
        for (var i = 0; i < fixedPart[32]; i++)
        {
            var slot = rest.AsSpan(i * SlotLength, SlotLength);
            slots.Add(new KeySlot(
                slot[..16].ToArray(),
                slot.Slice(16, NonceLength).ToArray(),
                slot.Slice(16 + NonceLength, FileKeyLength).ToArray(),
                slot.Slice(16 + NonceLength + FileKeyLength, TagLength).ToArray()));
        }

        return new FileHeader(compression, chunkSize, fixedPart.AsSpan(16, SaltLength).ToArray(), slots, [.. fixedPart, .. rest]);
    }

    /// <summary>
    /// Unwraps the file key with <paramref name="key"/> and checks the header MAC. Fails with
    /// <see cref="BackupFileProblem.WrongKey"/> naming the fingerprints that would open the file.
    /// </summary>
    internal byte[] UnlockFileKey(ReadOnlySpan<byte> key)
    {
        var fingerprint = KeyFingerprint.Compute(key);
        var slot = Slots.FirstOrDefault(s => s.Fingerprint.AsSpan().SequenceEqual(fingerprint));
        if (slot is null)
        {
            // A slot wrapped under this very key whose fingerprint field no longer matches was altered (§4:
            // the wrap's associated data holds the key's true fingerprint), which is damage, not a wrong key.
            foreach (var other in Slots)
            {
                if (TryUnwrap(key, other, fingerprint) is { } unwrapped)
                {
                    CryptographicOperations.ZeroMemory(unwrapped);
                    throw Damaged("a key slot's fingerprint was altered");
                }
            }

            throw new BackupFileException(BackupFileProblem.WrongKey,
                $"The key given (fingerprint {Convert.ToHexStringLower(fingerprint)}) does not open this backup; it opens with the key whose fingerprint is {string.Join(" or ", Fingerprints)}.",
                "Use the Recovery Kit of the Encryption Profile with that fingerprint.");
        }

        var fileKey = new byte[FileKeyLength];
        try
        {
            using var aes = new AesGcm(WrapKey(key), TagLength);
            aes.Decrypt(slot.Nonce, slot.WrappedFileKey, slot.Tag, fileKey, (byte[])[.. _bytes.AsSpan(0, FixedLength), .. slot.Fingerprint]);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Damaged("its key slot failed authentication");
        }

        var expected = HMACSHA256.HashData(HeaderKey(fileKey, Salt), _bytes.AsSpan(0, _bytes.Length - MacLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, _bytes.AsSpan(_bytes.Length - MacLength)))
        {
            throw Damaged("its header failed authentication");
        }

        return fileKey;
    }

    /// <summary>The file key from a slot, unwrapped with <paramref name="key"/> whose fingerprint is <paramref name="fingerprint"/>; null when it does not open.</summary>
    private byte[]? TryUnwrap(ReadOnlySpan<byte> key, KeySlot slot, byte[] fingerprint)
    {
        var fileKey = new byte[FileKeyLength];
        try
        {
            using var aes = new AesGcm(WrapKey(key), TagLength);
            aes.Decrypt(slot.Nonce, slot.WrappedFileKey, slot.Tag, fileKey, (byte[])[.. _bytes.AsSpan(0, FixedLength), .. fingerprint]);
            return fileKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    internal static byte[] PayloadKey(byte[] fileKey, byte[] salt) => HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, salt, PayloadInfo);

    private static byte[] WrapKey(ReadOnlySpan<byte> key) => HKDF.DeriveKey(HashAlgorithmName.SHA256, key.ToArray(), 32, [], WrapInfo);

    private static byte[] HeaderKey(byte[] fileKey, byte[] salt) => HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, salt, HeaderInfo);

    private static byte[] FixedPart(BackupCompression compression, int chunkSize, byte[] salt, int slotCount)
    {
        var bytes = new byte[FixedLength];
        Magic.CopyTo(bytes, 0);
        bytes[8] = Version;
        bytes[9] = (byte)compression;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12, 4), chunkSize);
        salt.CopyTo(bytes, 16);
        bytes[32] = (byte)slotCount;
        return bytes;
    }

    private static byte[] Concat(byte[] fixedPart, List<KeySlot> slots) => [.. fixedPart, .. slots.SelectMany(s => s.Fingerprint.Concat(s.Nonce).Concat(s.WrappedFileKey).Concat(s.Tag))];

    private static BackupFileException Damaged(string what) => new(
        BackupFileProblem.DamagedHeader,
        $"The backup is damaged or was altered: {what}.",
        "Use another copy of the backup.");

    internal static int ReadFully(Stream input, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = input.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
