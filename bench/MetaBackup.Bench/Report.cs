using System.Globalization;

namespace MetaBackup.Bench;

/// <summary>Prints the figures, as ratios against the baseline measured in the same run.</summary>
public static class Report
{
    public static void Print(int requested, Measurement baseline, Measurement streaming)
    {
        static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
        static string Rate(Measurement m) => $"{m.Records / m.Seconds:N0} records/s, {m.DocumentBytes / 1024.0 / 1024.0 / m.Seconds:F1} MiB/s";

        Console.WriteLine($"Export of {streaming.Records:N0} records ({requested:N0} generated), gzip, encrypted, with secrets");
        Console.WriteLine($"JSON document: {Mb(streaming.DocumentBytes)}; encrypted file: {Mb(streaming.FileBytes)}");
        Console.WriteLine();
        Console.WriteLine("| strategy | time | throughput | peak RSS growth | peak RSS growth / document | allocated |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var m in new[] { baseline, streaming })
        {
            Console.WriteLine($"| {m.Strategy} | {m.Seconds:F2} s | {Rate(m)} | {Mb(m.PeakRssGrowthBytes)} | {(double)m.PeakRssGrowthBytes / m.DocumentBytes:F2} | {Mb(m.AllocatedBytes)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"streaming / baseline: time {streaming.Seconds / baseline.Seconds:F2}×, peak RSS growth {(double)streaming.PeakRssGrowthBytes / baseline.PeakRssGrowthBytes:F2}×");
    }
}
