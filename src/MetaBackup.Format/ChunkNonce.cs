using System.Buffers.Binary;

namespace MetaBackup.Format;

/// <summary>The STREAM nonce of body chunk i (file-format.md §5): an 11-byte big-endian counter, then 0x01 for the last chunk, 0x00 otherwise.</summary>
internal static class ChunkNonce
{
    public static void Write(Span<byte> nonce, long index, bool final)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce.Slice(3, 8), index);
        nonce[11] = final ? (byte)1 : (byte)0;
    }
}
