using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.IO;
using MetaBackup.Core.Secrets;
using MetaBackup.Format;

namespace MetaBackup.Core.Recovery;

/// <summary>What a recovery wrote.</summary>
/// <param name="IncludesSecrets">Whether the document says it carries secret values, in plain text now.</param>
public sealed record RecoveryResult(string OutputPath, long Bytes, BackupCompression Compression, string KeyFingerprint, bool IncludesSecrets);

/// <summary>
/// The day the server is gone (docs/recovery.md, "The drills", drill 5): decrypt a backup with its key alone — no
/// database, no system key — into the plain JSON document. The output is written under a temporary
/// name and renamed only after the whole file has authenticated, so a wrong key or a damaged file
/// leaves nothing behind.
/// </summary>
public static class OfflineRecovery
{
    public static async Task<RecoveryResult> RecoverAsync(string inputPath, AesKey key, string outputPath, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(inputPath))
        {
            throw new InvalidInputException($"'{inputPath}' does not exist.");
        }

        await using var input = File.OpenRead(inputPath);
        var header = EncryptedBackup.ReadHeader(input);
        await using var body = EncryptedBackup.OpenBody(input, header, key.Bytes);

        // The plaintext may hold every secret of the configuration: owner-only, and only once all of it has authenticated.
        var output = Path.GetFullPath(outputPath);
        await PrivateFile.WriteAtomicAsync(output, file => body.CopyToAsync(file, cancellationToken), cancellationToken: cancellationToken);
        await using var written = File.OpenRead(output);
        return new RecoveryResult(output, new FileInfo(output).Length, header.Compression, key.Fingerprint, ExportDocument.SaysItIncludesSecrets(written));
    }
}
