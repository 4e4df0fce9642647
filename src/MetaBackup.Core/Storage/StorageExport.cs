using System.Security.Cryptography;
using System.Text.Json;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Vault;
using MetaBackup.Format;

namespace MetaBackup.Core.Storage;

/// <summary>What an export to a destination wrote there.</summary>
public sealed record StoredExport(ExportResult Export, string Checksum);

/// <summary>
/// Exports to a storage destination (PRODUCT §7–8): the export is staged under the data directory,
/// uploaded, described by its sidecar, read back and verified (same bytes; it opens and
/// authenticates to the end). If anything fails, what was uploaded is removed again.
/// </summary>
public sealed class StorageExport(ConfigurationSession session, DataDirectory dataDirectory)
{
    public async Task<StoredExport> ExportAsync(ExportOptions options, IBackupStore store, CancellationToken cancellationToken)
    {
        var staging = NewStaging();
        string? uploaded = null;
        try
        {
            var export = await new ConfigExporter(session).ExportToFileAsync(options, staging, cancellationToken);
            var checksum = await Sha256Async(export.Path!, cancellationToken);
            await using (var file = File.OpenRead(export.Path!))
            {
                await store.UploadAsync(export.FileName, file, cancellationToken);
            }

            uploaded = export.FileName;
            var sidecar = new BackupSidecar(export.FileName, export.ExportedAt, export.Bytes!.Value, checksum, export.Encrypted, export.ProfileName, export.ProfileFingerprint,
                export.IncludeSecrets, Compressions.Name(options.Compression), ExportDocument.SchemaVersion, ExportDocument.AppVersion, options.Source.ToString().ToLowerInvariant());
            await store.UploadAsync(BackupSidecar.NameFor(export.FileName), new MemoryStream(sidecar.ToBytes()), cancellationToken);
            await VerifyAsync(store, export, checksum, options, Path.Combine(staging, "readback"), cancellationToken);
            return new StoredExport(export, checksum);
        }
        catch
        {
            await RemoveAsync(store, uploaded);
            throw;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Downloads a backup from a destination into the data directory's staging area, for import.</summary>
    public async Task<string> DownloadAsync(IBackupStore store, string name, CancellationToken cancellationToken)
    {
        var staging = NewStaging();
        var path = Path.Combine(staging, StorageNames.Check(name));
        await using var remote = await store.OpenReadAsync(name, cancellationToken);
        await using var local = File.Create(path);
        await remote.CopyToAsync(local, cancellationToken);
        return path;
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

    private static async Task RemoveAsync(IBackupStore store, string? file)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            await store.DeleteAsync(file, CancellationToken.None);
            await store.DeleteAsync(BackupSidecar.NameFor(file), CancellationToken.None);
        }
        catch (StorageException)
        {
            // The destination is failing; the caller reports the first cause.
        }
    }


    private string NewStaging()
    {
        var staging = Path.Combine(dataDirectory.StagingDirectory, Guid.NewGuid().ToString("N"));
        PrivateFile.CreateDirectory(staging);
        return staging;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }
}
