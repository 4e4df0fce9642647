using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MetaBackup.Format;

namespace MetaBackup.Bench;

/// <summary>
/// The chunked AES-256-GCM streams against OpenSSL's own AES-256-GCM on the same machine in the same run
/// (docs/performance.md, "Encryption"): `openssl speed -evp aes-256-gcm -bytes 65536` is the ceiling, since
/// .NET's AesGcm calls the same OpenSSL. Encrypt and decrypt run through EncryptedBackup with 64 KiB
/// chunks, uncompressed, in memory, so the figure is the format's own cost: chunking, nonces, copies.
/// </summary>
public static partial class CryptoMeasurement
{
    public static int Run(int megabytes)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plaintext = RandomNumberGenerator.GetBytes(megabytes * 1024 * 1024);
        var file = new MemoryStream(plaintext.Length + (plaintext.Length / 1000) + 4096);

        // Warm up (JIT), then the best of three for each direction.
        Encrypt(key, plaintext[..(1024 * 1024)], new MemoryStream());
        var encryptToMemory = Enumerable.Range(0, 3).Min(_ => Time(() => { file.SetLength(0); Encrypt(key, plaintext, file); }));
        var bytes = file.ToArray();
        var sink = new CountingSink();
        var encrypt = Enumerable.Range(0, 3).Min(_ => Time(() => { sink.Count = 0; Encrypt(key, plaintext, sink); }));
        if (sink.Count != bytes.Length)
        {
            throw new InvalidOperationException($"The sink received {sink.Count} bytes, the file has {bytes.Length}.");
        }

        var output = new byte[1024 * 1024];
        var decrypt = Enumerable.Range(0, 3).Min(_ => Time(() => Decrypt(key, bytes, output)));

        // As openssl speed measures (one buffer, in the cache, again and again) and as an export writes (the compressor's
        // output buffer, in the cache): the stream fed 80 KiB at a time from one buffer, and a 4 MiB file decrypted again
        // and again. They tell a copy through memory apart from the format's own work.
        var cachedEncrypt = Enumerable.Range(0, 3).Min(_ => Time(() => { sink.Count = 0; EncryptFromOneBuffer(key, plaintext.AsSpan(0, 81920).ToArray(), plaintext.Length, sink); }));
        var small = new MemoryStream();
        Encrypt(key, plaintext[..SmallFile], small);
        var smallFile = small.ToArray();
        var cachedDecrypt = Enumerable.Range(0, 3).Min(_ => Time(() =>
        {
            for (var done = 0; done < plaintext.Length; done += SmallFile)
            {
                Decrypt(key, smallFile, output);
            }
        }));
        var raw = Enumerable.Range(0, 3).Min(_ => Time(() => RawAesGcm(key, plaintext)));
        var rawDecrypt = Enumerable.Range(0, 3).Min(_ => Time(() => RawAesGcmDecrypt(key, plaintext)));
        // The best of five one-second runs: openssl speed alone varies by a third from one run to the next on this machine
        // (3.3-4.8 GB/s), and the streams above are timed as the best of short runs too (docs/performance.md, "Encryption").
        var openssl = Enumerable.Range(0, 5).Max(_ => OpenSslGcmBytesPerSecond());
        var encryptRate = plaintext.Length / encrypt;
        var encryptToMemoryRate = plaintext.Length / encryptToMemory;
        var decryptRate = plaintext.Length / decrypt;
        Console.WriteLine($"AES-256-GCM, 64 KiB chunks, {megabytes} MiB in memory (best of 3):");
        Console.WriteLine($"  openssl speed -evp aes-256-gcm -bytes 65536 (one buffer in the cache, encrypted again and again): {Mb(openssl)} MB/s");
        Console.WriteLine($"  AesGcm.Encrypt alone, 64 KiB at a time (.NET's ceiling): {Mb(plaintext.Length / raw)} MB/s = {plaintext.Length / raw / openssl:0.00}× openssl");
        Console.WriteLine($"  AesGcm.Decrypt alone, 64 KiB at a time: {Mb(plaintext.Length / rawDecrypt)} MB/s = {plaintext.Length / rawDecrypt / openssl:0.00}× openssl");
        Console.WriteLine($"  EncryptingStream: {Mb(encryptRate)} MB/s = {encryptRate / openssl:0.00}× openssl");
        Console.WriteLine($"  EncryptingStream into a {megabytes} MiB MemoryStream (a second stream through memory): {Mb(encryptToMemoryRate)} MB/s = {encryptToMemoryRate / openssl:0.00}× openssl");
        Console.WriteLine($"  DecryptingStream: {Mb(decryptRate)} MB/s = {decryptRate / openssl:0.00}× openssl");
        Console.WriteLine($"  EncryptingStream fed from one 80 KiB buffer in the cache: {Mb(plaintext.Length / cachedEncrypt)} MB/s = {plaintext.Length / cachedEncrypt / openssl:0.00}× openssl");
        Console.WriteLine($"  DecryptingStream, a {SmallFile / 1024} KiB file in the cache read again: {Mb(plaintext.Length / cachedDecrypt)} MB/s = {plaintext.Length / cachedDecrypt / openssl:0.00}× openssl");
        return 0;
    }

    private const int SmallFile = 4 * 1024 * 1024;

    private static void EncryptFromOneBuffer(byte[] key, byte[] buffer, int total, Stream output)
    {
        using var body = EncryptedBackup.Create(new NonClosing(output), [key], BackupCompression.None);
        for (var written = 0; written < total; written += buffer.Length)
        {
            body.Write(buffer, 0, Math.Min(buffer.Length, total - written));
        }
    }

    private static void RawAesGcmDecrypt(byte[] key, byte[] plaintext)
    {
        using var aes = new AesGcm(key, 16);
        var nonce = new byte[12];
        var chunk = new byte[64 * 1024];
        var tag = new byte[16];
        aes.Encrypt(nonce, plaintext.AsSpan(0, chunk.Length), chunk, tag);
        var cipher = chunk.ToArray();
        for (var offset = 0; offset + chunk.Length <= plaintext.Length; offset += chunk.Length)
        {
            aes.Decrypt(nonce, cipher, tag, chunk);
        }
    }

    private static void RawAesGcm(byte[] key, byte[] plaintext)
    {
        using var aes = new AesGcm(key, 16);
        var nonce = new byte[12];
        var cipher = new byte[64 * 1024];
        var tag = new byte[16];
        for (var offset = 0; offset + cipher.Length <= plaintext.Length; offset += cipher.Length)
        {
            aes.Encrypt(nonce, plaintext.AsSpan(offset, cipher.Length), cipher, tag);
        }
    }

    private static void Encrypt(byte[] key, byte[] plaintext, Stream output)
    {
        using var body = EncryptedBackup.Create(new NonClosing(output), [key], BackupCompression.None);
        for (var offset = 0; offset < plaintext.Length; offset += 81920)
        {
            body.Write(plaintext, offset, Math.Min(81920, plaintext.Length - offset));
        }
    }

    private static void Decrypt(byte[] key, byte[] file, byte[] buffer)
    {
        using var input = new MemoryStream(file);
        var header = EncryptedBackup.ReadHeader(input);
        using var body = EncryptedBackup.OpenBody(input, header, key);
        while (body.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>OpenSSL's figure for 65536-byte blocks, in bytes per second (it prints thousands of bytes per second).</summary>
    private static double OpenSslGcmBytesPerSecond()
    {
        using var process = Process.Start(new ProcessStartInfo("openssl", ["speed", "-evp", "aes-256-gcm", "-bytes", "65536", "-seconds", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("openssl did not start.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = GcmLine().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000
            : throw new InvalidOperationException($"No AES-256-GCM figure in openssl's output: {output}");
    }

    private static string Mb(double bytesPerSecond) => (bytesPerSecond / 1e6).ToString("0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?im)^AES-256-GCM\s+([0-9.]+)k")]
    private static partial Regex GcmLine();

    /// <summary>
    /// Where the encryption's output goes when it is timed: counted, not kept. Decryption reads its input from memory
    /// and writes into a buffer that stays in the cache; encryption reads its input from memory and, into a
    /// MemoryStream, would write a second stream through memory as well — a cost of the destination, not of the
    /// format. Both figures are printed.
    /// </summary>
    private sealed class CountingSink : Stream
    {
        public long Count { get; set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    }

    /// <summary>The stream under the encrypted body stays usable after the body is disposed.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
