using System.Security.Cryptography;

namespace MetaBackup.Format;

/// <summary>
/// Encrypts what is written to it into body chunks (file-format.md §5). It holds one chunk of
/// plaintext at a time, so memory stays constant. A full chunk is written out only once more data
/// arrives, because only then is it known not to be the last; disposing writes the last chunk.
/// </summary>
internal sealed class EncryptingStream : Stream
{
    private readonly Stream _output;
    private readonly AesGcm _aes;
    private readonly byte[] _plain;
    private readonly byte[] _cipher;
    private readonly byte[] _nonce = new byte[12];
    private int _filled;
    private long _index;
    private bool _finished;

    public EncryptingStream(Stream output, byte[] payloadKey, int chunkSize)
    {
        _output = output;
        _aes = new AesGcm(payloadKey, FileHeader.TagLength);
        _plain = new byte[chunkSize];
        _cipher = new byte[chunkSize + FileHeader.TagLength];
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            if (_filled == _plain.Length)
            {
                EmitChunk(_plain.AsSpan(0, _filled), final: false);
            }

            // A whole chunk with more after it is not the last: it is encrypted straight from the caller's buffer.
            if (_filled == 0 && buffer.Length > _plain.Length)
            {
                EmitChunk(buffer[.._plain.Length], final: false);
                buffer = buffer[_plain.Length..];
                continue;
            }

            var take = Math.Min(buffer.Length, _plain.Length - _filled);
            buffer[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override void Flush() => _output.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
        {
            EmitChunk(_plain.AsSpan(0, _filled), final: true);
            _output.Flush();
            _finished = true;
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    private void EmitChunk(ReadOnlySpan<byte> plain, bool final)
    {
        ChunkNonce.Write(_nonce, _index, final);
        _aes.Encrypt(_nonce, plain, _cipher.AsSpan(0, plain.Length), _cipher.AsSpan(plain.Length, FileHeader.TagLength));
        _output.Write(_cipher, 0, plain.Length + FileHeader.TagLength);
        _index++;
        _filled = 0;
    }
}
