using System.Security.Cryptography;

namespace MetaBackup.Format.Tests;

public sealed class EncryptedBackupTests
{
    private const int Chunk = 64;
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<int, BackupCompression> Sizes()
    {
        var data = new TheoryData<int, BackupCompression>();
        foreach (var compression in Enum.GetValues<BackupCompression>())
        {
            foreach (var size in new[] { 0, 1, Chunk - 1, Chunk, Chunk + 1, (2 * Chunk) + 500, 100_000 })
            {
                data.Add(size, compression);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Round_trips_at_and_around_chunk_boundaries(int size, BackupCompression compression)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);

        Assert.Equal(plaintext, TestVectorTests.Decode(Encrypt(plaintext, compression), Key));
    }

    [Fact]
    public void Any_single_flipped_bit_anywhere_is_refused()
    {
        var file = Encrypt(RandomNumberGenerator.GetBytes(300), BackupCompression.None);

        for (var i = 0; i < file.Length; i++)
        {
            var damaged = (byte[])file.Clone();
            damaged[i] ^= (byte)(1 << (i % 8));
            Assert.Throws<BackupFileException>(() => TestVectorTests.Decode(damaged, Key));
        }
    }

    [Fact]
    public void A_file_cut_short_anywhere_is_refused()
    {
        var file = Encrypt(RandomNumberGenerator.GetBytes(3 * Chunk), BackupCompression.None);

        for (var length = 0; length < file.Length; length++)
        {
            Assert.Throws<BackupFileException>(() => TestVectorTests.Decode(file[..length], Key));
        }
    }

    [Fact]
    public void A_wrong_key_is_refused_from_the_header_alone_naming_the_right_fingerprint()
    {
        var file = Encrypt(RandomNumberGenerator.GetBytes(10 * Chunk), BackupCompression.Gzip);
        var wrong = RandomNumberGenerator.GetBytes(32);
        using var input = new CountingStream(new MemoryStream(file));

        var header = EncryptedBackup.ReadHeader(input);
        var error = Assert.Throws<BackupFileException>(() => EncryptedBackup.OpenBody(input, header, wrong));

        Assert.Equal(BackupFileProblem.WrongKey, error.Problem);
        Assert.Contains(KeyFingerprint.ComputeHex(Key), error.Message, StringComparison.Ordinal);
        Assert.Equal(header.Bytes.Length, input.BytesRead);
    }

    [Fact]
    public void Each_of_several_keys_opens_the_file()
    {
        var other = RandomNumberGenerator.GetBytes(32);
        var plaintext = RandomNumberGenerator.GetBytes(500);
        using var output = new MemoryStream();
        using (var body = EncryptedBackup.Create(output, [Key, other], BackupCompression.Brotli, Chunk))
        {
            body.Write(plaintext);
        }

        Assert.Equal(plaintext, TestVectorTests.Decode(output.ToArray(), Key));
        Assert.Equal(plaintext, TestVectorTests.Decode(output.ToArray(), other));
    }

    private static byte[] Encrypt(byte[] plaintext, BackupCompression compression)
    {
        using var output = new MemoryStream();
        using (var body = EncryptedBackup.Create(output, [Key], compression, Chunk))
        {
            body.Write(plaintext);
        }

        return output.ToArray();
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Re-wrapping (issue 9.13: a system key rotation keeps safety snapshots openable) changes who opens the file, not what it holds.</summary>
    [Fact]
    public void Rewrapping_lets_exactly_the_new_keys_open_the_same_plaintext()
    {
        var plaintext = RandomNumberGenerator.GetBytes(1000);
        var file = Encrypt(plaintext, BackupCompression.Gzip);
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);

        using var both = new MemoryStream();
        EncryptedBackup.Rewrap(new MemoryStream(file), both, Key, [Key, first]);
        using var onlySecond = new MemoryStream();
        EncryptedBackup.Rewrap(new MemoryStream(both.ToArray()), onlySecond, first, [second]);

        Assert.Equal(plaintext, TestVectorTests.Decode(both.ToArray(), Key));
        Assert.Equal(plaintext, TestVectorTests.Decode(both.ToArray(), first));
        Assert.Equal(plaintext, TestVectorTests.Decode(onlySecond.ToArray(), second));
        Assert.Equal(BackupFileProblem.WrongKey, Assert.Throws<BackupFileException>(() => TestVectorTests.Decode(onlySecond.ToArray(), Key)).Problem);
        Assert.Equal(BackupFileProblem.WrongKey, Assert.Throws<BackupFileException>(() => EncryptedBackup.Rewrap(new MemoryStream(file), new MemoryStream(), second, [second])).Problem);
    }
}
