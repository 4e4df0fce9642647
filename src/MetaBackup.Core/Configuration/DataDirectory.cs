namespace MetaBackup.Core.Configuration;

/// <summary>
/// The data directory (<c>--data-dir</c>, env <c>METABACKUP_DATA_DIR</c>, default <c>./data</c>)
/// and the well-known files inside it.
/// </summary>
public sealed class DataDirectory(string path)
{
    public const string EnvironmentVariable = "METABACKUP_DATA_DIR";
    public const string DefaultPath = "data";

    public string Root { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The embedded SQLite database holding the configuration.</summary>
    public string DatabasePath => System.IO.Path.Combine(Root, "metabackup.db");

    /// <summary>The generated system key, used when neither ENCRYPTION_KEY nor ENCRYPTION_KEY_FILE is set.</summary>
    public string SystemKeyPath => System.IO.Path.Combine(Root, "system.key");

    /// <summary>A new system key staged by `system-key rotate` until its database transaction has committed.</summary>
    public string PendingSystemKeyPath => System.IO.Path.Combine(Root, "system.key.next");

    /// <summary>
    /// Held (see <see cref="IO.LockFile"/>) by `system-key rotate` from staging its key until the key file
    /// is swapped, and by whoever finishes or discards what a rotation left: while a rotation runs, no
    /// other process touches <see cref="PendingSystemKeyPath"/>.
    /// </summary>
    public string SystemKeyLockPath => System.IO.Path.Combine(Root, "system.key.lock");

    /// <summary>Held (see <see cref="IO.LockFile"/>) by `init` while it creates the key and the database.</summary>
    public string InitLockPath => System.IO.Path.Combine(Root, "init.lock");

    public string LogsDirectory => System.IO.Path.Combine(Root, "logs");

    /// <summary>Where exports to a destination and downloads for import are staged (owner-only, emptied after use).</summary>
    public string StagingDirectory => System.IO.Path.Combine(Root, "tmp");

    /// <summary>Where an import saves the configuration before changing it.</summary>
    public string SnapshotsDirectory => System.IO.Path.Combine(Root, "snapshots");

    /// <summary>The backups of import sessions in progress, one owner-only directory each (docs/api.md, "Import sessions").</summary>
    public string ImportsDirectory => System.IO.Path.Combine(Root, "imports");

    public override string ToString() => Root;
}
