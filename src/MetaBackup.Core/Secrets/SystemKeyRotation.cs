using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Secrets;

/// <summary>What a rotation did.</summary>
/// <param name="OldFingerprint">The key the secrets were sealed under.</param>
/// <param name="NewFingerprint">The key they are sealed under now.</param>
/// <param name="SecretsResealed">How many stored secrets were re-encrypted.</param>
/// <param name="KeyFileUpdated">True when the data directory's system.key now holds the new key; false when the operator must configure it.</param>
public sealed record RotationResult(string OldFingerprint, string NewFingerprint, int SecretsResealed, bool KeyFileUpdated);

/// <summary>
/// Re-encrypts every stored secret under a new system key in one transaction (PRODUCT §3). It walks
/// every area's <see cref="EncryptedSecret"/> properties, so a secret field added later is covered
/// without touching this class. If anything fails, the transaction rolls back and the old key stays
/// in force. When the key lives in the data directory, the new key is staged beside it before the
/// commit and swapped in after it; <see cref="ConfigurationStore"/> finishes a swap cut short by a crash.
/// </summary>
public sealed class SystemKeyRotation(ConfigurationSession session, SystemKeySource keys)
{
    public async Task<RotationResult> RotateAsync(AesKey newKey, CancellationToken cancellationToken = default)
    {
        var oldKey = session.SystemKey;
        if (newKey.Fingerprint == oldKey.Fingerprint)
        {
            throw new InvalidInputException("The new system key is the key already in use.", "Give a different key, or omit --new-key-file to generate one.");
        }

        var ownsKeyFile = oldKey.Origin == SystemKeyOrigin.DataDirectory;
        var db = session.Db;
        var newCipher = new SecretCipher(newKey);
        var count = 0;
        if (ownsKeyFile)
        {
            keys.StagePending(newKey);
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var area in ConfigurationAreas.All.Where(a => a.SecretProperties.Count > 0))
            {
                foreach (var record in await db.RecordsOf(area).ToListAsync(cancellationToken))
                {
                    foreach (var property in area.SecretProperties)
                    {
                        if (property.GetValue(record) is EncryptedSecret stored)
                        {
                            property.SetValue(record, newCipher.Seal(session.Secrets.Open(stored)));
                            count++;
                        }
                    }
                }
            }

            var fingerprint = await db.SystemState.SingleAsync(s => s.Key == SystemState.SystemKeyFingerprint, cancellationToken);
            fingerprint.Value = newKey.Fingerprint;
            session.Audit("system-key.rotate", $"{oldKey.Fingerprint} -> {newKey.Fingerprint}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            db.ChangeTracker.Clear();
            if (ownsKeyFile)
            {
                keys.DiscardPending();
            }

            throw new MetaBackupException(
                $"System key rotation failed; nothing was changed and key {oldKey.Fingerprint} is still in force. Cause: {e.Message}",
                e is MetaBackupException known ? known.Hint : null,
                e);
        }

        if (ownsKeyFile)
        {
            keys.PromotePending();
        }

        session.Logger<SystemKeyRotation>().LogWarning(
            "System key rotated from {Old} to {New}; {Count} secrets re-encrypted", oldKey.Fingerprint, newKey.Fingerprint, count);
        return new RotationResult(oldKey.Fingerprint, newKey.Fingerprint, count, ownsKeyFile);
    }
}
