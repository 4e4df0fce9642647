using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaBackup.Bench;

// Usage: dotnet run -c Release --project bench/MetaBackup.Bench -- --suite [1000,10000,100000,1000000] [--postgres]   (whole processes against sqlite3; with --postgres, also on PostgreSQL against pg_dump and psql)
//        dotnet run -c Release --project bench/MetaBackup.Bench [-- --records N]
//        dotnet run -c Release --project bench/MetaBackup.Bench -- --crypto [MiB]   (the AES-GCM streams against openssl speed)
//        dotnet run -c Release --project bench/MetaBackup.Bench -- --compare SOURCE-DIR IMPORTED-DIR   (an import's result against its source, as the suite compares them; the imported directory's database from METABACKUP_DATABASE when set)
// The parent generates a configuration, then measures each export strategy in a child process of its
// own, so that each peak-memory figure belongs to that strategy alone.
if (args.Length >= 1 && args[0] == "--suite")
{
    // Issue 13's table: whole processes beside sqlite3, at each size given (default 1,000, 10,000 and 100,000).
    var sizes = args.Length >= 2 && args[1] != "--postgres" ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() : [1_000, 10_000, 100_000];
    return await Suite.RunAsync(sizes, postgres: args.Contains("--postgres"));
}

if (args.Length >= 3 && args[0] == "--generate")
{
    // A generated configuration in DIR, for measuring by hand (its system key: ConfigurationGenerator.SystemKey).
    await ConfigurationGenerator.GenerateAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length >= 1 && args[0] == "--crypto")
{
    return CryptoMeasurement.Run(args.Length >= 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 512);
}

if (args.Length >= 3 && args[0] == "--compare")
{
    // The imported directory's database as the CLI was given it: METABACKUP_DATABASE and its password, when set.
    var database = new[] { MetaBackup.Core.Persistence.DatabaseSetting.Variable, MetaBackup.Data.Postgres.PostgresConnectionSettings.PasswordVariable }
        .Where(name => Environment.GetEnvironmentVariable(name) is not null)
        .ToDictionary(name => name, name => Environment.GetEnvironmentVariable(name)!);
    var difference = await ConfigurationComparison.FirstDifferenceAsync(args[1], args[2], database);
    Console.WriteLine(difference ?? "equal: every record, field and secret");
    return difference is null ? 0 : 1;
}

if (args.Length >= 3 && args[0] == "--measure-import")
{
    Console.WriteLine(JsonSerializer.Serialize(await ImportMeasurement.RunAsync(args[1], args[2])));
    return 0;
}

if (args.Length >= 2 && args[0] == "--import")
{
    // A generated configuration, its streaming export (secrets, gzip, encrypted), then a full import into a fresh
    // data directory in a child process, beside sqlite3 loading the same database's dump.
    var count = int.Parse(args[1], CultureInfo.InvariantCulture);
    var root = Path.Combine(Path.GetTempPath(), "metabackup-bench", Guid.NewGuid().ToString("N"));
    try
    {
        var source = Path.Combine(root, "source");
        await ConfigurationGenerator.GenerateAsync(source, count);
        var exported = Measure("streaming", source);
        var backup = Path.Combine(source, "streaming.out");
        var sqlite = ImportMeasurement.SqliteLoadSeconds(Path.Combine(source, "metabackup.db"));
        var import = Measure("import", source, ["--measure-import", source, backup]);
        Console.WriteLine($"{count:N0} records: import {import.Seconds:F2} s (peak RSS +{import.PeakRssGrowthBytes / 1048576.0:F0} MiB), sqlite3 load of the dump {sqlite:F2} s: {import.Seconds / sqlite:F1}×; the export before it {exported.Seconds:F2} s");
        return 0;
    }
    finally
    {
        Directory.Delete(root, recursive: true);
    }
}

if (args.Length >= 3 && args[0] == "--measure")
{
    var measurement = await ExportMeasurement.RunAsync(args[1], args[2]);
    Console.WriteLine(JsonSerializer.Serialize(measurement));
    return 0;
}

var records = args.Length >= 2 && args[0] == "--records" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var directory = Path.Combine(Path.GetTempPath(), "metabackup-bench", Guid.NewGuid().ToString("N"));
try
{
    Console.Error.WriteLine($"Generating a configuration of {records:N0} records in {directory} …");
    var generated = await ConfigurationGenerator.GenerateAsync(directory, records);
    Console.Error.WriteLine($"… done in {generated.TotalSeconds:F1} s. Measuring.");

    var baseline = Measure("baseline", directory);
    var streaming = Measure("streaming", directory);
    Report.Print(records, baseline, streaming);
    return 0;
}
finally
{
    Directory.Delete(directory, recursive: true);
}

static Measurement Measure(string strategy, string directory, string[]? arguments = null)
{
    arguments ??= ["--measure", strategy, directory];
    var start = new ProcessStartInfo(Environment.ProcessPath!, [typeof(Program).Assembly.Location, .. arguments])
    {
        RedirectStandardOutput = true,
    };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) != "dotnet")
    {
        start = new ProcessStartInfo(Environment.ProcessPath!, arguments) { RedirectStandardOutput = true };
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"The {strategy} measurement failed.");
    }

    return JsonSerializer.Deserialize<Measurement>(output.Trim().Split('\n')[^1])!;
}
