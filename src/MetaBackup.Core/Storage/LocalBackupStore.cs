using MetaBackup.Core.Adapters;
using MetaBackup.Core.IO;

namespace MetaBackup.Core.Storage;

/// <summary>
/// A directory on this machine (or a mounted share), owner-only like everything MetaBackup writes.
/// Uploads go to a hidden temporary file that is flushed to disk and renamed over the final name, so
/// readers never see half a file; temporary files of uploads killed midway are removed by the next upload.
/// </summary>
public sealed class LocalBackupStore(string adapterName, string directory) : IBackupStore
{
    private const string PartialPrefix = ".partial-";

    public string Description => $"local destination '{adapterName}' ({directory})";

    public async Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var target = PathOf(name);
        var temporary = Path.Combine(directory, $"{PartialPrefix}{Guid.NewGuid():N}-{name}");
        try
        {
            PrivateFile.CreateDirectory(directory);
            AbandonedFiles.Remove(directory, IsTemporary);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 81920, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(temporary, options))
            {
                await content.CopyToAsync(file, cancellationToken);
                file.Flush(flushToDisk: true);
                // Renamed while still held (see AbandonedFiles): a sweeper never sees it unheld.
                File.Move(temporary, target, overwrite: true);
            }

            DirectorySync.Flush(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Upload of '{name}' to {Description} failed: {e.Message}", "Check that the directory exists, is writable and has space.", e);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return Task.FromResult<IReadOnlyList<StoredFile>>([]);
        }

        IReadOnlyList<StoredFile> files = new DirectoryInfo(directory).EnumerateFiles()
            .Where(f => !IsTemporary(f.Name))
            .Select(f => new StoredFile(f.Name, f.Length, f.LastWriteTimeUtc))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(files);
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        return File.Exists(path)
            ? Task.FromResult<Stream>(File.OpenRead(path))
            : throw new StorageFileNotFoundException(Description, name);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public async Task TestAsync(CancellationToken cancellationToken)
    {
        var probe = $".metabackup-test-{Guid.NewGuid():N}";
        await UploadAsync(probe, new MemoryStream([1, 2, 3]), cancellationToken);
        await DeleteAsync(probe, cancellationToken);
    }

    /// <summary>An upload's temporary name (<c>.partial-&lt;32 hex&gt;-NAME</c>), in progress or abandoned by a killed process.</summary>
    private static bool IsTemporary(string name) => name.StartsWith(PartialPrefix, StringComparison.Ordinal);

    private string PathOf(string name) => Path.Combine(directory, StorageNames.Check(name));
}

/// <summary>The factory for <c>local</c> adapters.</summary>
public sealed class LocalBackupStoreFactory : IBackupStoreFactory
{
    public string Type => "local";

    public IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null) =>
        new LocalBackupStore(adapterName, config.Plain["path"]!.GetValue<string>());
}
