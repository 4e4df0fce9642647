using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.IO;

/// <summary>
/// A private directory under <c>&lt;data dir&gt;/tmp</c> for one operation's files (an export on its way to a
/// destination, a backup downloaded for import), removed when disposed. Its owner holds the lock file
/// <c>tmp/&lt;id&gt;.lock</c> for as long as it lives, so one left by a killed process — its lock free —
/// is recognised and removed by <see cref="RemoveAbandoned"/>.
/// </summary>
public sealed class StagingArea : IDisposable
{
    private readonly LockFile _lock;

    private StagingArea(string path, LockFile held)
    {
        Path = path;
        _lock = held;
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public static StagingArea Create(DataDirectory dataDirectory)
    {
        PrivateFile.CreateDirectory(dataDirectory.StagingDirectory);
        var path = System.IO.Path.Combine(dataDirectory.StagingDirectory, Guid.NewGuid().ToString("N"));
        // The lock first: a sweeper never sees the directory without its lock held.
        var held = LockFile.TryAcquire(path + ".lock") ?? throw new IOException($"Could not lock the new staging directory {path}.");
        PrivateFile.CreateDirectory(path);
        return new StagingArea(path, held);
    }

    /// <summary>Removes the staging directories whose owner is gone; returns how many.</summary>
    public static int RemoveAbandoned(DataDirectory dataDirectory)
    {
        if (!Directory.Exists(dataDirectory.StagingDirectory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(dataDirectory.StagingDirectory))
        {
            using var owner = LockFile.TryAcquire(directory + ".lock");
            if (owner is not null)
            {
                Directory.Delete(directory, recursive: true);
                File.Delete(owner.Path);
                removed++;
            }
        }

        // A process killed between taking its lock and creating its directory leaves the lock file alone.
        foreach (var lockPath in Directory.EnumerateFiles(dataDirectory.StagingDirectory, "*.lock"))
        {
            if (Directory.Exists(lockPath[..^".lock".Length]))
            {
                continue;
            }

            using var owner = LockFile.TryAcquire(lockPath);
            if (owner is not null)
            {
                File.Delete(owner.Path);
                removed++;
            }
        }

        return removed;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }

        File.Delete(_lock.Path);
        _lock.Dispose();
    }
}
