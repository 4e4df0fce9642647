namespace MetaBackup.Format;

/// <summary>
/// A stream that is read once, from start to end, and written never: what every layer of reading a backup is — the
/// file hashed, the body decrypted, the document counted (docs/performance.md, "Import") — and a remote file being
/// downloaded. A subclass says how to read; seeking, writing and the length are refused once, here.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Reads what comes next into <paramref name="buffer"/>; 0 only at the end.</summary>
    public abstract override int Read(Span<byte> buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
