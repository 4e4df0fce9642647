using System.Runtime.InteropServices;

namespace MetaBackup.Core.IO;

/// <summary>
/// Flushes a directory's entries to disk (<c>fsync</c> on the directory), so that a file just created
/// or renamed in it survives a power loss. Writing and fsyncing a file makes its bytes durable, not
/// its name; the BCL has no call for a directory, hence this one P/Invoke. A no-op on Windows, whose
/// renames are durable through the file system's own journal.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int DirectoryOnly = 0x10000; // O_DIRECTORY on Linux (x64 and arm64)

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly | DirectoryOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not flush directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
