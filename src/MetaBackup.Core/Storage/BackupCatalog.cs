using System.Globalization;
using MetaBackup.Core.Export;

namespace MetaBackup.Core.Storage;

/// <summary>A backup found in a destination: from its sidecar when there is one, else from its name alone.</summary>
public sealed record CatalogEntry(string File, DateTimeOffset? ExportedAt, long Size, bool Encrypted, string? ProfileFingerprint, bool? IncludeSecrets, bool HasSidecar);

/// <summary>
/// The configuration backups in a destination: files named <c>config_backup_&lt;timestamp&gt;.json[.gz|.br][.enc]</c>,
/// newest first. Other files — anything not of that pattern — are neither listed nor ever touched.
/// </summary>
public sealed class BackupCatalog(IBackupStore store)
{
    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var files = await store.ListAsync(cancellationToken);
        var names = files.Select(f => f.Name).ToHashSet();
        var entries = new List<CatalogEntry>();
        foreach (var file in files.Where(f => IsBackup(f.Name)))
        {
            var encrypted = BackupFileName.Parse(file.Name)!.Value.Encrypted;
            BackupSidecar? sidecar = null;
            if (names.Contains(BackupSidecar.NameFor(file.Name)))
            {
                try
                {
                    await using var stream = await store.OpenReadAsync(BackupSidecar.NameFor(file.Name), cancellationToken);
                    sidecar = BackupSidecar.TryParse(stream);
                }
                catch (StorageFileNotFoundException)
                {
                    // Deleted meanwhile: describe the backup from its name.
                }
            }

            entries.Add(new CatalogEntry(file.Name, sidecar?.ExportedAt ?? TimeOf(file.Name), file.Size, encrypted, sidecar?.ProfileFingerprint, sidecar?.IncludeSecrets, sidecar is not null));
        }

        return entries.OrderByDescending(e => e.File, StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether a file name is one of ours: <c>config_backup_&lt;timestamp&gt;.json[.gz|.br][.enc]</c>.</summary>
    public static bool IsBackup(string name) =>
        name.StartsWith(BackupFileName.Prefix, StringComparison.Ordinal)
        && !name.EndsWith(BackupSidecar.Suffix, StringComparison.Ordinal)
        && BackupFileName.Parse(name) is not null
        && TimeOf(name) is not null;

    /// <summary>The export time a backup's name carries.</summary>
    public static DateTimeOffset? TimeOf(string name)
    {
        var stamp = name[BackupFileName.Prefix.Length..];
        var end = stamp.IndexOf(".json", StringComparison.Ordinal);
        return end > 0 && DateTimeOffset.TryParseExact(stamp[..end], "yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }
}
