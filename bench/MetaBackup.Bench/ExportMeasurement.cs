using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Bench;

/// <summary>One strategy's figures, measured in its own process.</summary>
public sealed record Measurement(string Strategy, double Seconds, long PeakRssGrowthBytes, long AllocatedBytes, long DocumentBytes, long FileBytes, int Records);

/// <summary>
/// Runs one export strategy and measures it. "streaming" is MetaBackup's exporter; "baseline" is the
/// straightforward alternative it is compared with: every record loaded into memory, the whole
/// document built as one string, then compressed and encrypted in memory.
/// </summary>
public static class ExportMeasurement
{
    public static async Task<Measurement> RunAsync(string strategy, string directory)
    {
        await using var session = await ConfigurationGenerator.Store(directory).OpenAsync();
        var output = Path.Combine(directory, $"{strategy}.out");

        // Warm up EF Core and the JSON serializer on a tiny query, so the figures are the export's.
        _ = await session.Db.Settings.AsNoTracking().Take(1).ToListAsync();
        GC.Collect();
        var rssBefore = PeakRss(reset: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();

        long documentBytes;
        if (strategy == "streaming")
        {
            await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(true, ConfigurationGenerator.ProfileName, BackupCompression.Gzip), output);
            documentBytes = -1;
        }
        else
        {
            documentBytes = await BaselineAsync(session, output);
        }

        watch.Stop();
        var peakGrowth = PeakRss(reset: false) - rssBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var records = 0;
        foreach (var area in ConfigurationAreas.All)
        {
            records += await session.Db.RecordsOf(area).CountAsync();
        }

        if (documentBytes < 0)
        {
            documentBytes = DocumentSize(session, output);
        }

        return new Measurement(strategy, watch.Elapsed.TotalSeconds, peakGrowth, allocated, documentBytes, new FileInfo(output).Length, records);
    }

    private static async Task<long> BaselineAsync(MetaBackup.Core.Persistence.ConfigurationSession session, string output)
    {
        var document = new JsonObject();
        var exporter = new RecordExporterForBaseline(session.Secrets);
        foreach (var area in ConfigurationAreas.All)
        {
            var all = await session.Db.RecordsOf(area).AsNoTracking().ToListAsync();
            document[area.Name] = new JsonArray(all.Select(r => (JsonNode)exporter.Export(area, r)).ToArray());
        }

        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var bytes = Encoding.UTF8.GetBytes(text);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        var vault = new VaultService(session);
        var key = vault.KeyOf(await vault.FindAsync(ConfigurationGenerator.ProfileName)).Bytes.ToArray();
        var plain = compressed.ToArray();
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(RandomNumberGenerator.GetBytes(12), plain, cipher, tag);
        }

        await File.WriteAllBytesAsync(output, [.. cipher, .. tag]);
        return bytes.Length;
    }

    private static long DocumentSize(MetaBackup.Core.Persistence.ConfigurationSession session, string path)
    {
        var vault = new VaultService(session);
        var key = vault.KeyOf(vault.FindAsync(ConfigurationGenerator.ProfileName).GetAwaiter().GetResult());
        using var input = File.OpenRead(path);
        var header = EncryptedBackup.ReadHeader(input);
        using var body = EncryptedBackup.OpenBody(input, header, key.Bytes);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>The process's peak resident set (VmHWM), optionally reset first (writing 5 to clear_refs).</summary>
    internal static long PeakRss(bool reset)
    {
        if (reset)
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }

        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The baseline's record conversion: the same JSON as the exporter, secrets included.</summary>
    private sealed class RecordExporterForBaseline(SecretCipher cipher)
    {
        public JsonObject Export(ConfigurationArea area, ConfigRecord record)
        {
            var json = SecretMasking.WithoutSecrets(area, record);
            foreach (var property in area.SecretProperties)
            {
                json[SecretFields.NameOf(property)] = property.GetValue(record) is EncryptedSecret secret ? cipher.Open(secret).Reveal() : null;
            }

            return json;
        }
    }
}
