using System.Security.Cryptography;
using System.Text;

namespace MetaBackup.Format.Tests;

/// <summary>One committed test vector: a file, the key to try, and what must happen (Vectors/README.md).</summary>
public sealed record TestVector(string Name, byte[] File, byte[] Key, BackupFileProblem? Problem, byte[]? Plaintext);

/// <summary>
/// Builds the committed test vectors deterministically (a seeded generator stands in for the
/// random file key, salt and nonces), so a test can check that the committed files are exactly what
/// the current writer produces, and METABACKUP_WRITE_VECTORS=1 rewrites them after a deliberate change.
/// </summary>
public static class TestVectors
{
    public const int ChunkSize = 64;
    public static readonly byte[] KeyA = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] KeyB = Enumerable.Range(32, 32).Select(i => (byte)i).ToArray();

    private static readonly byte[] Document = Encoding.UTF8.GetBytes(
        """{"metadata":{"format":"metabackup-config","schemaVersion":1},"settings":[{"id":"s1","key":"system.timezone","value":"UTC"}],"credentialProfiles":[{"id":"c1","name":"db","password":"correct horse battery staple"}]}""");

    public static IEnumerable<TestVector> All()
    {
        var exact = Enumerable.Range(0, 3 * ChunkSize).Select(i => (byte)('a' + (i % 26))).ToArray();
        var exactFile = Write("exact", exact, BackupCompression.None, KeyA);
        var header = FileHeader.FixedLength + FileHeader.SlotLength + FileHeader.MacLength;
        var chunk = ChunkSize + 16;

        yield return Success("good_gzip", Write("good_gzip", Document, BackupCompression.Gzip, KeyA), KeyA, Document);
        yield return Success("good_brotli", Write("good_brotli", Document, BackupCompression.Brotli, KeyA), KeyA, Document);
        yield return Success("good_none_multiple_chunks", Write("good_none", Document, BackupCompression.None, KeyA), KeyA, Document);
        yield return Success("good_exact_chunk_multiple", exactFile, KeyA, exact);
        yield return Success("good_empty", Write("good_empty", [], BackupCompression.None, KeyA), KeyA, []);
        yield return Success("good_two_keys", Write("two_keys", Document, BackupCompression.Gzip, KeyB, KeyA), KeyA, Document);
        yield return Failure("wrong_key", Write("wrong_key", Document, BackupCompression.Gzip, KeyB), KeyA, BackupFileProblem.WrongKey);
        yield return Failure("truncated_at_chunk_boundary", exactFile[..(header + (2 * chunk))], KeyA, BackupFileProblem.Truncated);
        yield return Failure("truncated_in_header", exactFile[..20], KeyA, BackupFileProblem.DamagedHeader);
        yield return Failure("truncated_mid_chunk", exactFile[..(header + chunk + 10)], KeyA, BackupFileProblem.Truncated);
        yield return Failure("truncated_inside_last_chunk", exactFile[..^5], KeyA, BackupFileProblem.DamagedPayload);
        yield return Failure("no_body", exactFile[..header], KeyA, BackupFileProblem.Truncated);
        yield return Failure("trailing_data", [.. exactFile, .. exactFile[^chunk..]], KeyA, BackupFileProblem.TrailingData);
        yield return Failure("chunks_swapped", [.. exactFile[..header], .. exactFile[(header + chunk)..(header + (2 * chunk))], .. exactFile[header..(header + chunk)], .. exactFile[(header + (2 * chunk))..]], KeyA, BackupFileProblem.DamagedPayload);
        yield return Failure("body_bit_flipped", Flip(exactFile, header + chunk + 5), KeyA, BackupFileProblem.DamagedPayload);
        yield return Failure("salt_bit_flipped", Flip(exactFile, 20), KeyA, BackupFileProblem.DamagedHeader);
        yield return Failure("mac_bit_flipped", Flip(exactFile, header - 1), KeyA, BackupFileProblem.DamagedHeader);
        yield return Failure("wrapped_key_bit_flipped", Flip(exactFile, FileHeader.FixedLength + 30), KeyA, BackupFileProblem.DamagedHeader);
        yield return Failure("slot_fingerprint_bit_flipped", Flip(exactFile, FileHeader.FixedLength + 3), KeyA, BackupFileProblem.DamagedHeader);
        yield return Failure("future_version", Set(exactFile, 8, 2), KeyA, BackupFileProblem.UnsupportedVersion);
        yield return Failure("not_a_backup", Encoding.UTF8.GetBytes("{\"metadata\":{}}"), KeyA, BackupFileProblem.NotABackupFile);
        yield return Failure("extra_empty_final_chunk", WriteWithExtraEmptyChunk(exact), KeyA, BackupFileProblem.DamagedPayload);
    }

    /// <summary>The plain-text description beside each vector file.</summary>
    public static string Describe(TestVector vector) =>
        $"expect: {(vector.Problem is null ? "success" : "failure")}\n" +
        (vector.Problem is { } problem ? $"problem: {problem}\n" : "") +
        $"key: {Convert.ToHexStringLower(vector.Key)}\n";

    private static TestVector Success(string name, byte[] file, byte[] key, byte[] plaintext) => new(name, file, key, null, plaintext);

    private static TestVector Failure(string name, byte[] file, byte[] key, BackupFileProblem problem) => new(name, file, key, problem, null);

    private static byte[] Write(string seed, byte[] plaintext, BackupCompression compression, params byte[][] keys)
    {
        using var output = new MemoryStream();
        using (var body = EncryptedBackup.Create(output, keys, compression, ChunkSize, Deterministic(seed)))
        {
            body.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>A file whose plaintext fills its chunks exactly, followed by an empty final chunk — a form the writer never produces.</summary>
    private static byte[] WriteWithExtraEmptyChunk(byte[] plaintext)
    {
        var random = Deterministic("extra_empty");
        var fileKey = random(32);
        var header = FileHeader.Create(BackupCompression.None, ChunkSize, [KeyA], fileKey, random);
        using var aes = new AesGcm(FileHeader.PayloadKey(fileKey, header.Salt), 16);
        var output = new List<byte>(header.Bytes.ToArray());
        var nonce = new byte[12];
        var chunks = plaintext.Chunk(ChunkSize).Append([]).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            ChunkNonce.Write(nonce, i, final: i == chunks.Count - 1);
            var cipher = new byte[chunks[i].Length];
            var tag = new byte[16];
            aes.Encrypt(nonce, chunks[i], cipher, tag);
            output.AddRange(cipher);
            output.AddRange(tag);
        }

        return [.. output];
    }

    private static Func<int, byte[]> Deterministic(string seed)
    {
        var counter = 0;
        return length =>
        {
            var bytes = new List<byte>();
            while (bytes.Count < length)
            {
                bytes.AddRange(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{counter++}")));
            }

            return [.. bytes.Take(length)];
        };
    }

    private static byte[] Flip(byte[] file, int index)
    {
        var copy = (byte[])file.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] Set(byte[] file, int index, byte value)
    {
        var copy = (byte[])file.Clone();
        copy[index] = value;
        return copy;
    }
}
