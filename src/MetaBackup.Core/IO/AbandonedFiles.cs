using System.Text.RegularExpressions;

namespace MetaBackup.Core.IO;

/// <summary>
/// Removes temporary files that a killed MetaBackup process left behind. Every writer of such a file
/// holds it open exclusively (an OS lock, see <see cref="LockFile"/>) from creating it to renaming it
/// into place, so a temporary file that can be opened exclusively has no live writer: it is abandoned.
/// Only names of MetaBackup's own making are touched; nothing else in a directory ever is.
/// </summary>
public static partial class AbandonedFiles
{
    /// <summary>The temporary names <see cref="PrivateFile"/> writes under: <c>.NAME.&lt;32 hex&gt;.partial</c>.</summary>
    public static bool IsPrivateFileTemporary(string name) => PrivateFilePattern().IsMatch(name);

    /// <summary>Deletes every abandoned file in <paramref name="directory"/> whose name <paramref name="isOurs"/> accepts; returns how many.</summary>
    public static int Remove(string directory, Func<string, bool> isOurs)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, ".*"))
        {
            if (!isOurs(Path.GetFileName(path)))
            {
                continue;
            }

            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(path);
                removed++;
            }
            catch (IOException)
            {
                // A live writer holds it, or it went away meanwhile.
            }
        }

        return removed;
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.partial$")]
    private static partial Regex PrivateFilePattern();
}
