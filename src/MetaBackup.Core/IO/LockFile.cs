namespace MetaBackup.Core.IO;

/// <summary>
/// An exclusive advisory lock on a file, across processes: .NET takes <c>flock(LOCK_EX)</c> for a file
/// opened with <see cref="FileShare.None"/> on Unix. The operating system releases it when the holder
/// is disposed or its process ends, however it ends — so a lock is never stale, unlike a marker file
/// or a database row. The file itself stays (empty, owner-only); only holding it open means anything.
/// </summary>
public sealed class LockFile : IDisposable
{
    private readonly FileStream _stream;

    private LockFile(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>Takes the lock, or returns null at once when another holder has it.</summary>
    public static LockFile? TryAcquire(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new LockFile(new FileStream(path, options));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for its holder to let go; null if it did not.</summary>
    public static async Task<LockFile?> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (TryAcquire(path) is { } acquired)
            {
                return acquired;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public void Dispose() => _stream.Dispose();
}
