using MetaBackup.Format;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// The bytes of a backup's document (decrypted, decompressed) as one pass reads them: counted, so that a compression
/// bomb is refused once it passes the size limit, never after; the file they come from hashed, so that a later pass
/// knows it read the very file the first pass checked (an import reads its backup more than once — docs/performance.md,
/// "Import"); and every failure of the layers below — a chunk that does not authenticate, damaged compressed data —
/// turned into a refusal of the backup.
/// </summary>
/// <param name="inner">The document, read from <paramref name="file"/>.</param>
/// <param name="file">The backup file, hashed as it is read.</param>
/// <param name="limit">The most bytes the document may have.</param>
/// <param name="expectedHash">The file's hash as the first pass found it; null for the first pass.</param>
internal sealed class DocumentStream(Stream inner, HashedFile file, long limit, byte[]? expectedHash) : ReadOnlyStream
{
    /// <summary>How many bytes were read: the reader's own accounting, which the limit bounds.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The SHA-256 of the whole backup file, once the document was read to its end.</summary>
    public byte[]? Hash { get; private set; }

    public long Limit => limit;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e) when (e is BackupFileException or InvalidDataException or InvalidOperationException)
        {
            // InvalidOperationException is BrotliStream's answer to data that is not brotli.
            throw Refusal(e);
        }

        BytesRead += read;
        if (BytesRead > limit)
        {
            throw new DocumentTooLargeException();
        }

        if (read == 0 && Hash is null && buffer.Length > 0)
        {
            Hash = file.HashToTheEnd();
            if (expectedHash is not null && !Hash.AsSpan().SequenceEqual(expectedHash))
            {
                throw new ImportRefusedException(
                    "The backup file changed while it was being imported; nothing was changed.",
                    "Make sure nothing writes to the backup file, then import it again.");
            }
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A failure of the layers below the document — the file format, decompression — as a refusal of the backup.</summary>
    public static ImportRefusedException Refusal(Exception failure) => failure is BackupFileException file
        ? new ImportRefusedException(file.Message, file.Hint, [file.Message], file)
        : new ImportRefusedException($"The backup's compressed data is damaged: {failure.Message}", "Use another copy of the backup.", [$"$: {failure.Message}"], failure);

    /// <summary>The document passed the size limit.</summary>
    internal sealed class DocumentTooLargeException : Exception;
}
