using System.Diagnostics;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;

namespace MetaBackup.Bench;

/// <summary>
/// A full import of a generated configuration's backup (secrets included, gzip, encrypted) into a fresh data
/// directory, in a process of its own, against SQLite loading the same database's `.dump` into a new file
/// (docs/performance.md, "Import"): the time and the peak resident memory.
/// </summary>
public static class ImportMeasurement
{
    /// <summary>In the child: imports <paramref name="backup"/> (made from <paramref name="source"/>) into a new directory.</summary>
    public static async Task<Measurement> RunAsync(string source, string backup)
    {
        AesKey key;
        await using (var session = await ConfigurationGenerator.Store(source).OpenAsync())
        {
            var vault = new VaultService(session);
            key = vault.KeyOf(await vault.FindAsync(ConfigurationGenerator.ProfileName));
        }

        var target = Path.Combine(Path.GetDirectoryName(source)!, $"import-{Guid.NewGuid():N}");
        var store = ConfigurationGenerator.Store(target);
        await store.InitializeAsync();
        await using var into = await store.OpenAsync();
        GC.Collect();
        var rssBefore = ExportMeasurement.PeakRss(reset: true);
        var watch = Stopwatch.StartNew();
        var result = await new ConfigImporter(into, new Core.Configuration.DataDirectory(target)).ImportConfigAsync(backup, new ImportOptions(ImportMode.Full), key, step => Console.Error.WriteLine($"  {watch.Elapsed.TotalSeconds,6:F2} s  CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,6:F2} s  heap {GC.GetTotalMemory(false) / 1048576,5} MiB  peak RSS +{(ExportMeasurement.PeakRss(reset: false) - rssBefore) / 1048576,5} MiB  GC pauses {GC.GetTotalPauseDuration().TotalSeconds,5:F2} s ({GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})  {step}"));
        watch.Stop();
        return new Measurement("import", watch.Elapsed.TotalSeconds, ExportMeasurement.PeakRss(reset: false) - rssBefore, 0, new FileInfo(backup).Length, new FileInfo(backup).Length, result.Plan.Entries.Count);
    }

    /// <summary>`sqlite3 source.db .dump` once, then the seconds `sqlite3 new.db &lt; dump.sql` takes.</summary>
    public static double SqliteLoadSeconds(string databasePath)
    {
        var dump = databasePath + ".dump.sql";
        Shell($"sqlite3 '{databasePath}' .dump > '{dump}'");
        var fresh = databasePath + ".loaded.db";
        var watch = Stopwatch.StartNew();
        Shell($"sqlite3 '{fresh}' < '{dump}'");
        return watch.Elapsed.TotalSeconds;
    }

    private static void Shell(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command])) ?? throw new InvalidOperationException("sh did not start.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed ({process.ExitCode}).");
        }
    }
}
