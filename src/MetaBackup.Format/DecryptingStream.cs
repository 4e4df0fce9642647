using System.Security.Cryptography;

namespace MetaBackup.Format;

/// <summary>
/// Reads body chunks, checks each one, and returns their plaintext (file-format.md §5–6). It reads one
/// chunk ahead so that it knows which chunk is the last: a chunk followed by the end of the file must
/// carry the final flag (else the file was cut short, even exactly at a chunk boundary), and nothing
/// may follow a final chunk. Plaintext is released only after its chunk has authenticated.
/// </summary>
internal sealed class DecryptingStream : ReadOnlyStream
{
    private readonly Stream _input;
    private readonly AesGcm _aes;
    private readonly int _chunkSize;
    private byte[] _current;
    private byte[] _next;
    private readonly byte[] _plain;
    private readonly byte[] _nonce = new byte[12];
    private int _currentLength;
    private int _nextLength;
    private int _plainOffset;
    private int _plainLength;
    private long _index;
    private bool _done;

    public DecryptingStream(Stream input, byte[] payloadKey, int chunkSize)
    {
        _input = input;
        _aes = new AesGcm(payloadKey, FileHeader.TagLength);
        _chunkSize = chunkSize;
        _current = new byte[chunkSize + FileHeader.TagLength];
        _next = new byte[chunkSize + FileHeader.TagLength];
        _plain = new byte[chunkSize];
        _currentLength = FileHeader.ReadFully(_input, _current);
        if (_currentLength == 0)
        {
            throw Truncated("it has no body");
        }
    }

    public override int Read(Span<byte> buffer)
    {
        while (_plainOffset == _plainLength)
        {
            if (_done)
            {
                return 0;
            }

            // A reader with room for a whole chunk gets it decrypted straight into its buffer: one copy less.
            if (buffer.Length >= _chunkSize)
            {
                var direct = NextChunk(buffer);
                if (direct > 0 || _done)
                {
                    return direct;
                }

                continue;
            }

            _plainLength = NextChunk(_plain);
            _plainOffset = 0;
        }

        var take = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, take).CopyTo(buffer);
        _plainOffset += take;
        return take;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Decrypts the next chunk into <paramref name="into"/>; returns its plaintext length.</summary>
    private int NextChunk(Span<byte> into)
    {
        if (_currentLength < FileHeader.TagLength)
        {
            throw Truncated($"chunk {_index} is shorter than an authentication tag");
        }

        // A full chunk may have more after it; a shorter one must be the last thing in the file.
        _nextLength = _currentLength == _current.Length ? FileHeader.ReadFully(_input, _next) : 0;
        var last = _nextLength == 0;
        var plainLength = _currentLength - FileHeader.TagLength;

        if (!TryDecrypt(plainLength, final: last, into))
        {
            if (last && TryDecrypt(plainLength, final: false, into))
            {
                CryptographicOperations.ZeroMemory(into[..plainLength]);
                throw Truncated($"it ends after chunk {_index}, which is not the last one");
            }

            if (!last && TryDecrypt(plainLength, final: true, into))
            {
                CryptographicOperations.ZeroMemory(into[..plainLength]);
                throw new BackupFileException(BackupFileProblem.TrailingData,
                    $"The backup has data after its final chunk ({_index}): it was altered or two files were joined.",
                    "Use another copy of the backup.");
            }

            throw new BackupFileException(BackupFileProblem.DamagedPayload,
                $"Chunk {_index} of the backup failed authentication: the file is damaged or was altered.",
                "Use another copy of the backup.");
        }

        if (last && plainLength == 0 && _index > 0)
        {
            throw new BackupFileException(BackupFileProblem.DamagedPayload,
                $"The backup ends with an empty chunk ({_index}), which no writer produces.", "Use another copy of the backup.");
        }

        _index++;
        _done = last;
        if (!last)
        {
            // The chunk read ahead becomes the current one: the buffers trade places rather than copy.
            (_current, _next) = (_next, _current);
            _currentLength = _nextLength;
        }

        return plainLength;
    }

    private bool TryDecrypt(int plainLength, bool final, Span<byte> into)
    {
        ChunkNonce.Write(_nonce, _index, final);
        try
        {
            _aes.Decrypt(_nonce, _current.AsSpan(0, plainLength), _current.AsSpan(plainLength, FileHeader.TagLength), into[..plainLength]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // Nothing unauthenticated is ever released, wherever it was written.
            CryptographicOperations.ZeroMemory(into[..plainLength]);
            return false;
        }
    }

    private static BackupFileException Truncated(string what) => new(
        BackupFileProblem.Truncated,
        $"The backup is truncated: {what}.",
        "The file was cut short (an interrupted copy or upload?); use a complete copy.");
}
