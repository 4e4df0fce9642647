using System.Security.Cryptography;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// A backup file as one pass of an import reads it, from its first byte: each byte hashed (SHA-256) as it is read, so
/// that a later pass knows it read the very file the first one checked (<see cref="DocumentStream"/>). The file, not the
/// document it decrypts and decompresses to: the same bytes give the same document, and a compressed file is about a
/// tenth of its document to hash (docs/performance.md, "Import").
/// </summary>
internal sealed class HashedFile(Stream file) : MetaBackup.Format.ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

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
