using System.Text.Json;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// Feeds a forward-only <see cref="Utf8JsonReader"/> from a stream a block at a time, so that a document of any size
/// is read in a buffer the size of its largest token or record (docs/performance.md, "Import"). A reader is made for
/// what is pending, reads what it can, and its progress is kept with <see cref="Consumed"/>; when it needs more,
/// <see cref="Fill"/> moves what is left to the front and reads on — growing the buffer only when one value does not fit.
/// </summary>
internal sealed class JsonBlocks(Stream input, JsonReaderOptions options, int maxValueBytes)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private JsonReaderState _state = new(options);

    /// <summary>The stream has no more bytes: what is pending is the end of the document.</summary>
    public bool Final { get; private set; }

    /// <summary>Where what is pending starts in the document.</summary>
    public long Position { get; private set; }

    /// <summary>A reader of what is pending, where the last one stopped.</summary>
    public Utf8JsonReader Reader() => new(_buffer.AsSpan(_start, _end - _start), Final, _state);

    /// <summary>Keeps the reader's progress: what it read is done with.</summary>
    public void Consumed(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        Position += reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    /// <summary>
    /// Reads more of the stream behind what is pending. False when there is nothing more to read; refused when a
    /// single value would need a buffer larger than <c>maxValueBytes</c>.
    /// </summary>
    public bool Fill()
    {
        if (Final)
        {
            return false;
        }

        var pending = _end - _start;
        if (pending == _buffer.Length)
        {
            if (_buffer.Length >= maxValueBytes)
            {
                throw new ValueTooLargeException(_buffer.Length);
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, Math.Max(maxValueBytes, _buffer.Length)));
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        }

        _start = 0;
        _end = pending;
        while (_end < _buffer.Length)
        {
            var read = input.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                Final = true;
                break;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>One value (a string, a record) larger than the reader's buffer may grow to.</summary>
    internal sealed class ValueTooLargeException(int bytes) : Exception($"a single value larger than {bytes} bytes")
    {
        public int Bytes { get; } = bytes;
    }
}
