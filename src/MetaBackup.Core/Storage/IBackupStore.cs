namespace MetaBackup.Core.Storage;

/// <summary>A file in a storage destination.</summary>
public sealed record StoredFile(string Name, long Size, DateTimeOffset LastModified);

/// <summary>
/// A storage destination (docs/storage.md, "Destinations"), the same contract for every backend. Names are plain file
/// names (no directories) inside the destination's base path or prefix. Failures are
/// <see cref="StorageException"/>s whose message says what went wrong and where, never a secret.
/// </summary>
public interface IBackupStore
{
    /// <summary>The destination for people, e.g. "S3 destination 'offsite' (bucket backups)"; never a secret.</summary>
    string Description { get; }

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="name"/>, replacing a file of that name. The file
    /// appears under its final name only once complete: a failed or interrupted upload leaves the
    /// destination as it was (no partial file under the final name).
    /// </summary>
    Task UploadAsync(string name, Stream content, CancellationToken cancellationToken);

    /// <summary>The files in the destination, without in-progress uploads.</summary>
    Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Opens a file for reading; <see cref="StorageFileNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes a file; deleting a file that does not exist is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Checks that the destination is reachable, the credentials work and it can be written.</summary>
    Task TestAsync(CancellationToken cancellationToken);
}
