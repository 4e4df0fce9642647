using System.Text;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.IO;

/// <summary>
/// Writes files that hold keys or configuration (system key, Recovery Kits, exports, recovered
/// JSON): readable by the owner only (mode 0600 from the moment they exist), written under a
/// temporary name in the same directory, flushed to disk and renamed, and the directory flushed too —
/// so a crash or a failure never leaves a half-written file under the final name, a failed write
/// leaves nothing at all, and a file once written survives a power loss.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a directory readable by the owner only (0700), with its parents; an existing one is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Makes an existing directory owner-only (0700).</summary>
    public static void RestrictToOwner(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public static void WriteAtomic(string path, string content, bool overwrite = false) =>
        WriteAtomicAsync(path, stream => stream.WriteAsync(Encoding.UTF8.GetBytes(content)).AsTask(), overwrite).GetAwaiter().GetResult();

    /// <summary>Creates a new file, owner-only from its creation, for writing (e.g. an upload being staged); fails if it exists.</summary>
    public static FileStream CreateNew(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Creates <paramref name="path"/> from what <paramref name="write"/> writes; refuses to replace an existing
    /// file unless <paramref name="overwrite"/>. Temporary files that killed writers left in the same
    /// directory are removed first (<see cref="AbandonedFiles"/>).
    /// </summary>
    public static async Task WriteAtomicAsync(string path, Func<Stream, Task> write, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        CreateDirectory(directory);
        if (!overwrite && File.Exists(full))
        {
            throw new InvalidInputException($"'{full}' already exists; it is never overwritten.", "Choose another file name.");
        }

        AbandonedFiles.Remove(directory, AbandonedFiles.IsPrivateFileTemporary);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            await using (var stream = new FileStream(temporary, options))
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
                if (!OperatingSystem.IsWindows())
                {
                    // Renamed while still held, so no sweeper ever sees it unheld under its temporary name.
                    File.Move(temporary, full, overwrite);
                }
            }

            if (OperatingSystem.IsWindows())
            {
                File.Move(temporary, full, overwrite);
            }

            DirectorySync.Flush(directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
