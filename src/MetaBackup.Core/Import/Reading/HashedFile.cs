using System.Security.Cryptography;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// A backup file as one pass of an import reads it, from its first byte: each byte hashed (SHA-256) as it is read, so
/// that a later pass knows it read the very file the first one checked (<see cref="DocumentStream"/>). The file, not the
/// document it decrypts and decompresses to: the same bytes give the same document, and a compressed file is about a
/// tenth of its document to hash (docs/performance.md, "Import").
/// </summary>
internal sealed class HashedFile(Stream file) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = file.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    /// <summary>
    /// The file's hash, once the document read from it has ended: what the layers above did not read of the file (a
    /// decompressor stops at the end of its data) is read and hashed too, so the hash is always of the whole file.
    /// </summary>
    public byte[] HashToTheEnd()
    {
        var rest = new byte[16 * 1024];
        while (Read(rest) > 0)
        {
        }

        return _hash.GetHashAndReset();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
