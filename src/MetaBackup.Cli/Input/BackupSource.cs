using System.CommandLine;
using MetaBackup.Core.Storage;

namespace MetaBackup.Cli.Input;

/// <summary>
/// The backup a command works on: a local FILE, or <c>--storage REF --file NAME</c>, downloaded into the
/// data directory's staging area and deleted again when the command ends.
/// </summary>
public sealed class BackupSource : IAsyncDisposable
{
    private readonly StagedBackup? _staged;

    private BackupSource(string path, StagedBackup? staged)
    {
        Path = path;
        _staged = staged;
    }

    public string Path { get; }

    public static async Task<BackupSource> OpenAsync(CommandContext cli, Argument<string?> file, Option<string?> storage, Option<string?> storageFile, CancellationToken cancellationToken)
    {
        var local = cli.Get(file);
        var destination = cli.Get(storage);
        var name = cli.Get(storageFile);
        if (local is not null == destination is not null || (destination is not null) != (name is not null))
        {
            throw new UsageException("Give the backup as FILE, or as --storage REF --file NAME.");
        }

        if (local is not null)
        {
            return new BackupSource(System.IO.Path.Combine(cli.Host.CurrentDirectory, local), null);
        }

        var store = await cli.StorageAsync(destination!, cancellationToken);
        var session = await cli.OpenAsync(cancellationToken);
        var staged = await new StorageExport(session, cli.DataDirectory).DownloadAsync(store, name!, cancellationToken);
        return new BackupSource(staged.Path, staged);
    }

    public ValueTask DisposeAsync()
    {
        _staged?.Dispose();
        return ValueTask.CompletedTask;
    }
}
