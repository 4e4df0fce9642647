using System.Runtime.InteropServices;

namespace MetaBackup.Core.IO;

/// <summary>
/// The process's file-creation mask, set once at start to 077: every file and directory this process
/// creates — the database and its journal, logs, staging files, exports, lock files, and whatever a
/// library creates on its behalf — is readable by its owner only, whatever umask the shell had
/// (docs/secrets.md, "Files"). MetaBackup also creates its own files with explicit owner-only modes;
/// this covers the rest.
/// </summary>
public static partial class OwnerOnly
{
    public static void SetProcessUmask()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Umask(0b000_111_111);
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
