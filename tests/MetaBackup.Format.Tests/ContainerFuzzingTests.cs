using System.Security.Cryptography;

namespace MetaBackup.Format.Tests;

/// <summary>
/// The encrypted container against every small damage (docs/file-format.md §6): each byte of a small compressed file
/// replaced by each of nine other values (every single-bit flip, and 0x00 and 0xFF), and the file cut at every length.
/// Each must be refused with <see cref="BackupFileException"/> and a named problem — never another exception, never
/// output: the header parser and the chunk reader see all of them.
/// </summary>
public sealed class ContainerFuzzingTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<BackupCompression> Compressions() => [.. Enum.GetValues<BackupCompression>()];

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Every_single_byte_change_of_a_small_file_is_refused_with_a_named_problem(BackupCompression compression)
    {
        var file = Small(compression);
        var refused = 0;
        for (var at = 0; at < file.Length; at++)
        {
            foreach (var value in Variants(file[at]))
            {
                var damaged = (byte[])file.Clone();
                damaged[at] = value;
                var error = Assert.Throws<BackupFileException>(() => TestVectorTests.Decode(damaged, Key));
                Assert.True(Enum.IsDefined(error.Problem), $"byte {at} = 0x{value:x2}: {error.Message}");
                refused++;
            }
        }

        Assert.True(refused >= file.Length * 8, $"{refused} changes tried");
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Every_truncation_of_a_small_file_is_refused_with_a_named_problem(BackupCompression compression)
    {
        var file = Small(compression);
        for (var length = 0; length < file.Length; length++)
        {
            var error = Assert.Throws<BackupFileException>(() => TestVectorTests.Decode(file[..length], Key));
            Assert.True(Enum.IsDefined(error.Problem), $"cut at {length}: {error.Message}");
        }
    }

    /// <summary>A few hundred bytes over three chunks: header, key slot, several chunks and the final one.</summary>
    private static byte[] Small(BackupCompression compression)
    {
        using var output = new MemoryStream();
        using (var body = EncryptedBackup.Create(output, [Key], compression, chunkSize: 64))
        {
            body.Write(RandomNumberGenerator.GetBytes(150));
        }

        return output.ToArray();
    }

    private static IEnumerable<byte> Variants(byte original) =>
        Enumerable.Range(0, 8).Select(bit => (byte)(original ^ (1 << bit))).Append((byte)0x00).Append((byte)0xFF).Where(v => v != original).Distinct();
}
