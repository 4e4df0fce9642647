using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Core.Secrets;
using MetaBackup.Format;

namespace MetaBackup.Core.Snapshots;

/// <summary>A safety snapshot on disk.</summary>
public sealed record SnapshotFile(string Path, string Name, DateTimeOffset TakenAt, long Size);

/// <summary>
/// The safety snapshots an import takes before it changes anything (docs/recovery.md, "The safety
/// snapshot"): the whole configuration, secrets included, encrypted under the system key, in
/// <c>&lt;data dir&gt;/snapshots</c>. Import keeps the newest <see cref="DefaultKeep"/>; a system key rotation
/// re-wraps them all, so that they keep opening under the key in force.
/// </summary>
public sealed class SafetySnapshots(DataDirectory dataDirectory)
{
    /// <summary>How many snapshots an import leaves: enough to step back through a bad afternoon, not an unbounded pile of secrets.</summary>
    public const int DefaultKeep = 20;

    /// <summary>The snapshots, newest first.</summary>
    public IReadOnlyList<SnapshotFile> List()
    {
        var directory = dataDirectory.SnapshotsDirectory;
        return !Directory.Exists(directory)
            ? []
            : new DirectoryInfo(directory).EnumerateFiles($"{BackupFileName.SnapshotPrefix}*.enc")
                .OrderByDescending(f => f.Name, StringComparer.Ordinal)
                .Select(f => new SnapshotFile(f.FullName, f.Name, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero), f.Length))
                .ToList();
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> snapshots; returns those deleted.</summary>
    public IReadOnlyList<SnapshotFile> Prune(int keep)
    {
        Check.Positive(keep, "number of snapshots to keep");
        var old = List().Skip(keep).ToList();
        old.ForEach(s => File.Delete(s.Path));
        return old;
    }

    /// <summary>
    /// Re-wraps every snapshot so that exactly <paramref name="keys"/> open it, opening each with
    /// <paramref name="current"/> (docs/file-format.md §4: the body is kept as it is). Each file is
    /// replaced atomically. Returns how many were re-wrapped.
    /// </summary>
    public int Rewrap(AesKey current, IReadOnlyList<AesKey> keys)
    {
        var snapshots = List();
        foreach (var snapshot in snapshots)
        {
            PrivateFile.WriteAtomicAsync(snapshot.Path, output =>
            {
                using var input = File.OpenRead(snapshot.Path);
                EncryptedBackup.Rewrap(input, output, current.Bytes, [.. keys.Select(k => k.Bytes.ToArray())]);
                return Task.CompletedTask;
            }, overwrite: true).GetAwaiter().GetResult();
        }

        return snapshots.Count;
    }
}
