using System.Security.Cryptography;
using System.Text.Json;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Vault;
using MetaBackup.Format;

namespace MetaBackup.Core.Storage;

/// <summary>A backup downloaded from a destination for import: its local copy, deleted when disposed.</summary>
public sealed class StagedBackup(string path, StagingArea staging) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose() => staging.Dispose();
}

/// <summary>What an export to a destination wrote there.</summary>
public sealed record StoredExport(ExportResult Export, string Checksum);

/// <summary>
/// Exports to a storage destination (docs/storage.md): the export is staged under the data directory,
/// uploaded, described by its sidecar, read back and verified (same bytes; it opens and
/// authenticates to the end). If anything fails, what was uploaded is removed again.
/// </summary>
public sealed class StorageExport(ConfigurationSession session, DataDirectory dataDirectory)
{
    /// <param name="uploading">Told the backup's name before its first byte is uploaded (a run records it, docs/database.md "Several instances"); may refuse by throwing.</param>
    public async Task<StoredExport> ExportAsync(ExportOptions options, IBackupStore store, CancellationToken cancellationToken, Action<string>? progress = null, Func<string, Task>? uploading = null)
    {
        progress ??= _ => { };
        using var staging = StagingArea.Create(dataDirectory);
        string? uploaded = null;
        try
        {
            var export = await new ConfigExporter(session).ExportToFileAsync(options, staging.Path, cancellationToken);
            var checksum = await Sha256Async(export.Path!, cancellationToken);
            if (uploading is not null)
            {
                await uploading(export.FileName);
            }

            progress($"uploading {export.FileName} ({export.Bytes} bytes)");
            await using (var file = File.OpenRead(export.Path!))
            {
                await store.UploadAsync(export.FileName, file, cancellationToken);
            }

            uploaded = export.FileName;
            var sidecar = new BackupSidecar(export.FileName, export.ExportedAt, export.Bytes!.Value, checksum, export.Encrypted, export.ProfileName, export.ProfileFingerprint,
                export.IncludeSecrets, Compressions.Name(options.Compression), ExportDocument.SchemaVersion, ExportDocument.AppVersion, WireName.Of(options.Source));
            await store.UploadAsync(BackupSidecar.NameFor(export.FileName), new MemoryStream(sidecar.ToBytes()), cancellationToken);
            progress("reading it back to verify it");
            await VerifyAsync(store, export, checksum, options, staging.Combine("readback"), cancellationToken);
            return new StoredExport(export, checksum);
        }
        catch
        {
            await RemoveBackupAsync(store, uploaded);
            throw;
        }
    }

    /// <summary>Downloads a backup from a destination into a staging area of the data directory, for import; disposing it deletes the copy.</summary>
    public async Task<StagedBackup> DownloadAsync(IBackupStore store, string name, CancellationToken cancellationToken)
    {
        var staging = StagingArea.Create(dataDirectory);
        try
        {
            var path = staging.Combine(StorageNames.Check(name));
            await using (var remote = await store.OpenReadAsync(name, cancellationToken))
            await using (var local = File.Create(path))
            {
                await remote.CopyToAsync(local, cancellationToken);
            }

            // The sidecar too, when there is one: it names the backup's profile should its key be missing.
            try
            {
                await using var remote = await store.OpenReadAsync(BackupSidecar.NameFor(name), cancellationToken);
                await using var local = File.Create(BackupSidecar.NameFor(path));
                await remote.CopyToAsync(local, cancellationToken);
            }
            catch (StorageFileNotFoundException)
            {
                // A backup without its sidecar restores all the same.
            }

            return new StagedBackup(path, staging);
        }
        catch
        {
            staging.Dispose();
            throw;
        }
    }

    private async Task VerifyAsync(IBackupStore store, ExportResult export, string checksum, ExportOptions options, string copy, CancellationToken cancellationToken)
    {
        await using (var remote = await store.OpenReadAsync(export.FileName, cancellationToken))
        await using (var local = File.Create(copy))
        {
            await remote.CopyToAsync(local, cancellationToken);
        }

        if (await Sha256Async(copy, cancellationToken) != checksum)
        {
            throw new StorageException($"The backup read back from the destination differs from the one uploaded ({export.FileName}).", "The destination may be failing; check it and try again.");
        }

        await using var input = File.OpenRead(copy);
        Stream body;
        if (export.Encrypted)
        {
            var vault = new VaultService(session);
            var key = vault.KeyOf(await vault.FindAsync(options.EncryptionProfile!, cancellationToken));
            body = EncryptedBackup.OpenBody(input, EncryptedBackup.ReadHeader(input), key.Bytes);
        }
        else
        {
            body = Compressions.Decompress(input, options.Compression);
        }

        await using (body)
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Removes a backup and its sidecar, if they are there; false when the destination failed (the caller reports its own cause).</summary>
    public static async Task<bool> RemoveBackupAsync(IBackupStore store, string? file)
    {
        if (file is null)
        {
            return true;
        }

        try
        {
            await store.DeleteAsync(file, CancellationToken.None);
            await store.DeleteAsync(BackupSidecar.NameFor(file), CancellationToken.None);
            return true;
        }
        catch (StorageException)
        {
            // The destination is failing; the caller reports the first cause.
            return false;
        }
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
