using System.Globalization;
using MetaBackup.Core.Vault;

namespace MetaBackup.Bench;

/// <summary>
/// Issue 13's measurements, each a whole process, beside SQLite's own in the same run (docs/performance.md,
/// "Whole processes"): for each size, a generated configuration is exported (`metabackup export --include-secrets
/// --profile bench`) against `sqlite3 db .dump | gzip -6`; the file is validated, planned (`import --dry-run`) and
/// imported in full into a fresh data directory, against `sqlite3 new.db &lt; dump.sql`, then imported again onto the
/// same data; the imported configuration is compared with the source, record by record, secrets included. At the
/// smallest size, the start-up of `profiles list`, beside the floor beneath it (<see cref="StartupFloor"/>). Sizes up
/// to 10,000 are run three times, paired, and the medians shown; larger ones once.
/// </summary>
public static class Suite
{
    /// <param name="postgres">Also measure export and import on PostgreSQL (<see cref="PostgresMeasurement"/>).</param>
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, bool postgres = false)
    {
        var cli = WholeProcess.Locate();
        var floor = StartupFloor.Publish(cli);
        // Stopped however the suite ends, a difference found included: the cluster is a server of its own.
        await using var onPostgres = postgres ? await PostgresMeasurement.StartAsync(cli) : null;
        var postgresRows = new List<string>();
        var postgresImportRss = new Dictionary<int, double>();
        var generated = new Dictionary<string, string> { [Core.Secrets.SystemKeySource.KeyVariable] = ConfigurationGenerator.SystemKey };
        var rows = new List<string>();
        var importRss = new Dictionary<int, double>();
        string? startup = null;
        foreach (var size in sizes)
        {
            var root = Path.Combine(Path.GetTempPath(), "metabackup-bench", Guid.NewGuid().ToString("N"));
            try
            {
                var source = Path.Combine(root, "source");
                Console.Error.WriteLine($"{size:N0}: generating …");
                await ConfigurationGenerator.GenerateAsync(source, size);
                var keyFile = Path.Combine(root, "profile.key");
                await using (var session = await ConfigurationGenerator.Store(source).OpenAsync())
                {
                    var vault = new VaultService(session);
                    await File.WriteAllTextAsync(keyFile, vault.KeyOf(await vault.FindAsync(ConfigurationGenerator.ProfileName)).ToHex());
                }

                var runs = size <= 10_000 ? 3 : 1;
                var backup = Path.Combine(root, "backup.json.gz.enc");
                var database = Path.Combine(source, "metabackup.db");
                var (export, dump) = Paired(
                    runs,
                    () =>
                    {
                        File.Delete(backup); // an export never overwrites a file
                        return cli.Cli(source, generated, "export", "--include-secrets", "--profile", ConfigurationGenerator.ProfileName, "-o", backup);
                    },
                    () => WholeProcess.Shell($"sqlite3 '{database}' .dump | gzip -6 > '{root}/dump.sql.gz'"));
                WholeProcess.Shell($"gunzip -c '{root}/dump.sql.gz' > '{root}/dump.sql'");
                var documentBytes = new FileInfo(backup).Length;

                Console.Error.WriteLine($"{size:N0}: validating and planning …");
                var target = Path.Combine(root, "target");
                cli.Cli(target, null, "init");
                var validate = Median(runs, () => cli.Cli(target, null, "validate", backup, "--key-file", keyFile));
                var dryRun = Median(runs, () => cli.Cli(target, null, "import", backup, "--mode", "full", "--dry-run", "--key-file", keyFile));

                Console.Error.WriteLine($"{size:N0}: importing …");
                var run = 0;
                var (import, load) = Paired(
                    runs,
                    () =>
                    {
                        var fresh = Path.Combine(root, $"fresh-{++run}");
                        cli.Cli(fresh, null, "init");
                        return cli.Cli(fresh, null, "import", backup, "--mode", "full", "--key-file", keyFile);
                    },
                    () => WholeProcess.Shell($"rm -f '{root}/loaded.db' && sqlite3 '{root}/loaded.db' < '{root}/dump.sql'"));
                var imported = Path.Combine(root, $"fresh-{run}");
                var again = cli.Cli(imported, null, "import", backup, "--mode", "full", "--key-file", keyFile);

                Console.Error.WriteLine($"{size:N0}: comparing the imported configuration with the source …");
                var difference = await ConfigurationComparison.FirstDifferenceAsync(source, imported);
                if (difference is not null)
                {
                    Console.WriteLine($"{size:N0} records: the imported configuration differs from the source: {difference}");
                    return 1;
                }

                if (startup is null)
                {
                    // Beside the least any program does to list the same profiles, in turn (list, EF Core, SQLite alone).
                    var (list, throughEfCore, throughSqlite) = (new List<ProcessFigures>(), new List<ProcessFigures>(), new List<ProcessFigures>());
                    for (var i = 0; i < 5; i++)
                    {
                        list.Add(cli.Cli(source, generated, "profiles", "list"));
                        throughEfCore.Add(floor.ThroughEfCore(database));
                        throughSqlite.Add(floor.ThroughSqliteAlone(database));
                    }

                    var version = Median(5, () => cli.Bare("--version"));
                    var compiled = cli.MethodsCompiled(source, generated, "profiles", "list");
                    startup = $"Start-up at {size:N0} records (median of 5): `profiles list` {MedianOf(list).Seconds:F2} s ({compiled:N0} methods JIT-compiled), `export` {export.Seconds:F2} s, `import --dry-run` {dryRun.Seconds:F2} s; `--version` (no configuration opened) {version.Seconds:F2} s. "
                        + $"The floor (bench/EfCoreFloor, the same profiles listed by a program of nothing else): through EF Core {MedianOf(throughEfCore).Seconds:F2} s, through Microsoft.Data.Sqlite alone {MedianOf(throughSqlite).Seconds:F2} s.";
                }

                if (onPostgres is not null)
                {
                    Console.Error.WriteLine($"{size:N0}: on PostgreSQL …");
                    var figures = await onPostgres.MeasureAsync(size, source, backup, keyFile, root, runs);
                    if (figures.Difference is not null)
                    {
                        Console.WriteLine($"{size:N0} records: the configuration imported into PostgreSQL differs from the source: {figures.Difference}");
                        return 1;
                    }

                    postgresRows.Add(figures.Row);
                    postgresImportRss[size] = figures.ImportPeakRssMib;
                    Console.Error.WriteLine(postgresRows[^1]);
                }

                importRss[size] = import.PeakRssMib;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {documentBytes / 1048576.0:F1} MiB | {export.Seconds:F2} s | {dump.Seconds:F2} s | {export.Seconds / dump.Seconds:F1}× | {validate.Seconds:F2} s | {dryRun.Seconds:F2} s | {import.Seconds:F2} s | {load.Seconds:F2} s | {import.Seconds / load.Seconds:F1}× | {again.Seconds:F2} s | {export.PeakRssMib:F0} MiB | {validate.PeakRssMib:F0} MiB | {import.PeakRssMib:F0} MiB | {again.PeakRssMib:F0} MiB |"));
                Console.Error.WriteLine(rows[^1]);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        Console.WriteLine("| records | backup file | export | `sqlite3 .dump \\| gzip -6` | ratio | validate | import --dry-run | import (full, fresh) | `sqlite3 new.db < dump.sql` | ratio | import again (same data) | export peak RSS | validate peak RSS | import peak RSS | import again peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        if (onPostgres is not null)
        {
            Console.WriteLine("On PostgreSQL (one throwaway cluster on loopback, fsync off), the same backups:");
            Console.WriteLine(PostgresMeasurement.Header);
            postgresRows.ForEach(Console.WriteLine);
            if (postgresImportRss.Count > 1)
            {
                var (small, large) = (postgresImportRss.Keys.Min(), postgresImportRss.Keys.Max());
                Console.WriteLine($"Import peak RSS on PostgreSQL at {large:N0} records / at {small:N0}: {postgresImportRss[large] / postgresImportRss[small]:F2}×. Every configuration imported into PostgreSQL equals its source.");
            }

            Console.WriteLine();
        }

        Console.WriteLine(startup);
        if (importRss.Count > 1)
        {
            var (small, large) = (importRss.Keys.Min(), importRss.Keys.Max());
            Console.WriteLine($"Import peak RSS at {large:N0} records / at {small:N0}: {importRss[large] / importRss[small]:F2}×. Every imported configuration equals its source (every record, field and secret).");
        }

        return 0;
    }

    /// <summary>Runs A and B alternately, <paramref name="runs"/> times each (A B A B …), and returns the medians.</summary>
    public static (ProcessFigures A, ProcessFigures B) Paired(int runs, Func<ProcessFigures> a, Func<ProcessFigures> b)
    {
        var (left, right) = (new List<ProcessFigures>(), new List<ProcessFigures>());
        for (var i = 0; i < runs; i++)
        {
            left.Add(a());
            right.Add(b());
        }

        return (MedianOf(left), MedianOf(right));
    }

    private static ProcessFigures Median(int runs, Func<ProcessFigures> measure) =>
        MedianOf([.. Enumerable.Range(0, runs).Select(_ => measure())]);

    private static ProcessFigures MedianOf(List<ProcessFigures> figures) =>
        new(figures.Select(f => f.Seconds).Order().ElementAt(figures.Count / 2), figures.Select(f => f.PeakRssKib).Order().ElementAt(figures.Count / 2));
}
