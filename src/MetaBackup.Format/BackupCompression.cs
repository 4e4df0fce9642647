using System.IO.Compression;

namespace MetaBackup.Format;

/// <summary>How a backup's JSON is compressed before encryption (file-format.md §3, header byte 9).</summary>
public enum BackupCompression : byte
{
    None = 0,
    Gzip = 1,
    Brotli = 2,
}

/// <summary>Names, file extensions and streams for each compression.</summary>
public static class Compressions
{
    public static string Name(BackupCompression compression) => compression.ToString().ToLowerInvariant();

    /// <summary>The extension after <c>.json</c>: "", ".gz" or ".br".</summary>
    public static string Extension(BackupCompression compression) => compression switch
    {
        BackupCompression.Gzip => ".gz",
        BackupCompression.Brotli => ".br",
        _ => "",
    };

    public static bool TryParse(string text, out BackupCompression compression) =>
        Enum.TryParse(text, ignoreCase: true, out compression) && Enum.IsDefined(compression) && !int.TryParse(text, out _);

    /// <summary>A stream that compresses into <paramref name="output"/>; disposing it completes and disposes <paramref name="output"/>.</summary>
    public static Stream Compress(Stream output, BackupCompression compression) => compression switch
    {
        BackupCompression.None => output,
        BackupCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal),
        BackupCompression.Brotli => new BrotliStream(output, CompressionLevel.Optimal),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>A stream that decompresses <paramref name="input"/> (and disposes it).</summary>
    public static Stream Decompress(Stream input, BackupCompression compression) => compression switch
    {
        BackupCompression.None => input,
        BackupCompression.Gzip => new GZipStream(input, CompressionMode.Decompress),
        BackupCompression.Brotli => new BrotliStream(input, CompressionMode.Decompress),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };
}
