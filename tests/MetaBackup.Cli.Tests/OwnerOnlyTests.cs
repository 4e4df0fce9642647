using System.Diagnostics;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Issue 9.14: everything MetaBackup writes is readable by its owner only, whatever the umask of the
/// shell that starts it — the data directory (also when it existed), its database, logs, snapshots,
/// staging and lock files, a local destination it creates and the backups in it, and directories that
/// `export -o DIR/` creates.
/// </summary>
public sealed class OwnerOnlyTests : IDisposable
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Under_umask_000_nothing_metabackup_writes_is_readable_by_group_or_others()
    {
        var data = _temp.Combine("data");
        var destination = _temp.Combine("destination");
        var exports = _temp.Combine("exports", "new");
        Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await RunAsync(data, "init");
        await RunAsync(data, "adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={destination}");
        await RunAsync(data, "settings", "set", "config.backup.storageId", "disk");
        await RunAsync(data, "tasks", "config-backup", "run");
        await RunAsync(data, "export", "--no-encryption", "-o", exports + "/");
        await RunAsync(data, "import", Directory.GetFiles(exports).Single(), "--mode", "merge");

        var written = new[] { data, destination, exports }
            .SelectMany(root => Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root))
            .ToList();
        Assert.Contains(written, path => path.Contains("/snapshots/", StringComparison.Ordinal));
        Assert.Contains(written, path => path.Contains("/logs/", StringComparison.Ordinal));
        Assert.Contains(written, path => Path.GetFileName(path).StartsWith("config_backup_", StringComparison.Ordinal) && path.StartsWith(destination, StringComparison.Ordinal));
        Assert.All(written, path => Assert.True((File.GetUnixFileMode(path) & GroupOrOther) == 0, $"{path} is {File.GetUnixFileMode(path)}"));
    }

    private static async Task RunAsync(string dataDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("bash", ["-c", "umask 000; exec dotnet \"$@\"", "bash", typeof(CliApp).Assembly.Location, "--data-dir", dataDirectory, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)}: exit {process.ExitCode}\n{await output}\n{await error}");
    }
}
