using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import.Reading;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Import;

/// <summary>An opened backup: its document (read as a stream, checked for hostile content, not yet validated) and how it was opened.</summary>
/// <param name="Document">The JSON document.</param>
/// <param name="Encrypted">Whether the file was encrypted.</param>
/// <param name="KeyFingerprint">The fingerprint of the key that opened it.</param>
/// <param name="KeySource">Which key opened it, for the operator: a profile, a supplied kit or key, this server's system key.</param>
public sealed record OpenedBackup(DocumentSource Document, bool Encrypted, string? KeyFingerprint, string? KeySource);

/// <summary>
/// Opens a backup file for import (docs/recovery.md, "The steps", 1): an encrypted file is opened with
/// the key whose fingerprint its header names — found among every profile of the vault whatever its
/// id, or supplied by the operator (Recovery Kit or key file), or this server's system key (which
/// encrypts the local safety snapshots). Plain <c>.json</c>, <c>.json.gz</c> and <c>.json.br</c> open without a key,
/// recognised by their content rather than their name.
/// Every problem is an <see cref="ImportRefusedException"/>, raised before anything changes.
/// </summary>
public sealed class BackupOpener(ConfigurationSession session, DocumentLimits? limits = null)
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    public async Task<OpenedBackup> OpenAsync(string path, AesKey? suppliedKey, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            // Not a refusal of the backup (exit 3): there is no backup to judge, so a plain failure.
            throw new InvalidInputException(
                $"'{path}' does not exist.",
                "Give the path of a backup file, or choose one from a storage destination.",
                new Dictionary<string, string> { ["missingFile"] = path });
        }

        try
        {
            FileHeader? header = null;
            AesKey? key = null;
            string? source = null;
            var compression = BackupCompression.None;
            await using (var input = File.OpenRead(path))
            {
                if (EncryptedBackup.LooksEncrypted(input))
                {
                    header = EncryptedBackup.ReadHeader(input);
                    (key, source) = await FindKeyAsync(header, suppliedKey, path, cancellationToken);
                }
                else
                {
                    compression = PlainCompression(input);
                }
            }

            var effective = limits ?? DocumentLimits.Default;

            // Opened again for each pass the import makes over the document; the first pass checks it whole, and every
            // later one must read the very file it read (the file's hash: null for the first pass).
            DocumentStream Open(byte[]? expectedHash)
            {
                var input = new HashedFile(File.OpenRead(path));
                try
                {
                    Stream document;
                    if (key is null)
                    {
                        document = Compressions.Decompress(input, compression);
                    }
                    else
                    {
                        var body = EncryptedBackup.ReadHeader(input);
                        if (!body.Bytes.SequenceEqual(header!.Bytes))
                        {
                            throw new ImportRefusedException("The backup file changed while it was being imported; nothing was changed.", "Make sure nothing writes to the backup file, then import it again.");
                        }

                        document = EncryptedBackup.OpenBody(input, body, key.Bytes);
                    }

                    return new DocumentStream(document, input, effective.MaxDocumentBytes, expectedHash);
                }
                catch
                {
                    input.Dispose();
                    throw;
                }
            }

            DocumentScan scan;
            using (var first = Open(expectedHash: null))
            {
                scan = DocumentReader.Scan(first, effective);
            }

            return new OpenedBackup(new DocumentSource(Open, effective, scan), header is not null, key?.Fingerprint, source);
        }
        catch (Exception e) when (e is BackupFileException or InvalidDataException)
        {
            throw DocumentStream.Refusal(e);
        }
    }

    private async Task<(AesKey Key, string Source)> FindKeyAsync(FileHeader header, AesKey? supplied, string path, CancellationToken cancellationToken)
    {
        var fingerprints = header.Fingerprints.ToList();
        if (supplied is not null && fingerprints.Contains(supplied.Fingerprint))
        {
            return (supplied, "the key supplied");
        }

        var profiles = await session.Db.EncryptionProfiles.AsNoTracking().Where(p => fingerprints.Contains(p.Fingerprint)).ToListAsync(cancellationToken);
        var vault = new VaultService(session);
        var damaged = new List<EncryptionProfile>();
        foreach (var unlocked in profiles.Where(p => !p.IsLocked))
        {
            try
            {
                return (vault.KeyOf(unlocked), $"encryption profile '{unlocked.Name}'");
            }
            catch (SecretDecryptionException)
            {
                // This server's copy of the key is damaged: the backup may still open with a supplied key.
                damaged.Add(unlocked);
            }
        }

        if (fingerprints.Contains(session.SystemKey.Fingerprint))
        {
            return (session.SystemKey.Key, "this server's system key");
        }

        var needed = string.Join(" or ", fingerprints);
        if (supplied is not null)
        {
            throw new ImportRefusedException(
                $"The key supplied (fingerprint {supplied.Fingerprint}) does not open this backup; it opens with the key whose fingerprint is {needed}.",
                "Supply the Recovery Kit of the Encryption Profile with that fingerprint.");
        }

        if (damaged.FirstOrDefault() is { } unreadable)
        {
            throw new ImportRefusedException(
                $"This backup is encrypted with Encryption Profile '{unreadable.Name}' (fingerprint {unreadable.Fingerprint}), but this server's copy of that key cannot be decrypted (damaged, or sealed under another system key).",
                "Supply the key from the profile's Recovery Kit (or a key file).",
                details: new Dictionary<string, string> { ["needsKey"] = needed, ["profile"] = unreadable.Name });
        }

        var known = profiles.FirstOrDefault();
        var described = SidecarBeside(path) is { ProfileName: { } name, ProfileFingerprint: { } fingerprint } && fingerprints.Contains(fingerprint) ? name : null;
        throw new ImportRefusedException(
            known is not null
                ? $"This backup is encrypted with Encryption Profile '{known.Name}' (fingerprint {known.Fingerprint}), which is locked on this server: its key is missing."
                : described is not null
                    ? $"This backup is encrypted with Encryption Profile '{described}' (fingerprint {needed}, as its sidecar file says), which this server's vault does not hold."
                    : $"This backup is encrypted with a key this server does not have (fingerprint {needed}).",
            "Supply the key from the profile's Recovery Kit (or a key file), or import the key into the vault first.",
            details: new Dictionary<string, string> { ["needsKey"] = needed, ["profile"] = known?.Name ?? described ?? "" });
    }

    /// <summary>The sidecar written beside a backup in a destination (and fetched with it), if it is there and readable.</summary>
    private static BackupSidecar? SidecarBeside(string path)
    {
        var sidecar = BackupSidecar.NameFor(path);
        if (!File.Exists(sidecar))
        {
            return null;
        }

        using var stream = File.OpenRead(sidecar);
        return BackupSidecar.TryParse(stream);
    }

    /// <summary>
    /// How an unencrypted backup is compressed, by its content, whatever its name says: gzip has its magic
    /// bytes; plain JSON starts with '{' (after white space or a byte-order mark); brotli has no magic, so
    /// it is what is left.
    /// </summary>
    private static BackupCompression PlainCompression(Stream input)
    {
        var start = new byte[64];
        var read = input.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        input.Position = 0;
        if (read >= 2 && start.AsSpan(0, 2).SequenceEqual(GzipMagic))
        {
            return BackupCompression.Gzip;
        }

        var text = start.AsSpan(0, read);
        if (text.StartsWith(System.Text.Encoding.UTF8.Preamble))
        {
            text = text[3..];
        }

        var first = text.TrimStart(" \t\r\n"u8);
        return first.Length > 0 && first[0] == (byte)'{' ? BackupCompression.None : BackupCompression.Brotli;
    }
}
