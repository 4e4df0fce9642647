using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Secrets;

/// <summary>What a rotation did.</summary>
/// <param name="OldFingerprint">The key the secrets were sealed under.</param>
/// <param name="NewFingerprint">The key they are sealed under now.</param>
/// <param name="SecretsResealed">How many stored secrets were re-encrypted.</param>
/// <param name="KeyFileUpdated">True when the data directory's system.key now holds the new key; false when the operator must configure it.</param>
/// <param name="SnapshotsRewrapped">How many safety snapshots now open with the new key (and no longer with the old one).</param>
/// <param name="Warning">Something that did not complete after the rotation committed, or null.</param>
/// <param name="KeySource">Where the system key comes from (the file MetaBackup updated, or the variable the operator must now set).</param>
public sealed record RotationResult(string OldFingerprint, string NewFingerprint, int SecretsResealed, bool KeyFileUpdated, int SnapshotsRewrapped = 0, string? Warning = null, string KeySource = "");

/// <summary>
/// Re-encrypts every stored secret under a new system key in one transaction (docs/secrets.md). It walks
/// every area's <see cref="EncryptedSecret"/> properties, so a secret field added later is covered
/// without touching this class. If anything fails, the transaction rolls back and the old key stays
/// in force. When the key lives in the data directory, the new key is staged beside it — durably —
/// before the commit, and swapped in after it; the rotation lock, held throughout, keeps every other
/// open of the store away from the staged key, and <see cref="ConfigurationStore"/> finishes a swap cut
/// short by a crash. A writer that sealed a secret under the old key while this ran is refused by the
/// context (<see cref="ConfigurationDbContext"/>), so no secret is ever stored under a key no longer in force.
/// </summary>
public sealed class SystemKeyRotation(ConfigurationSession session, SystemKeySource keys, SafetySnapshots snapshots)
{
    public async Task<RotationResult> RotateAsync(AesKey newKey, CancellationToken cancellationToken = default)
    {
        var oldKey = session.SystemKey;
        if (newKey.Fingerprint == oldKey.Fingerprint)
        {
            throw new InvalidInputException("The new system key is the key already in use.", "Give a different key, or let MetaBackup generate one.");
        }

        using var rotationLock = keys.TryLockRotation()
            ?? throw new ConflictException("Another system key rotation is in progress on this data directory; nothing was changed.", "Wait for it to finish, then check which key is in force.");
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
            // Safety snapshots are sealed under the system key: before the commit they gain a slot for the
            // new key (so they open whichever key ends up in force), after it they lose the old one.
            snapshots.Rewrap(oldKey.Key, [oldKey.Key, newKey]);
            await using var transaction = await session.BeginWriteAsync(cancellationToken);
            var fingerprint = await db.SystemState.SingleAsync(s => s.Key == SystemState.SystemKeyFingerprint, cancellationToken);
            if (fingerprint.Value != oldKey.Fingerprint)
            {
                throw new ConflictException($"The system key changed to {fingerprint.Value} since this command started.", "Run it again.");
            }

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

            // The server's sign-in keys (not configuration, so not counted) are sealed under the system key too.
            foreach (var serverKey in await db.ServerKeys.ToListAsync(cancellationToken))
            {
                serverKey.Xml = newCipher.Seal(session.Secrets.Open(serverKey.Xml));
            }

            fingerprint.Value = newKey.Fingerprint;
            session.Audit("system-key.rotate", $"{oldKey.Fingerprint} -> {newKey.Fingerprint}");
            // Re-sealing is not an edit: records keep the times the operator's changes gave them.
            db.PreserveTimestamps = true;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            db.PreserveTimestamps = false;
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

        db.PreserveTimestamps = false;
        if (ownsKeyFile)
        {
            try
            {
                keys.PromotePending();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The database is committed and the staged key is on disk: the next open finishes the swap.
                throw new MetaBackupException(
                    $"The system key was rotated to {newKey.Fingerprint}, but moving the new key into place failed: {e.Message}",
                    "The new key is in system.key.next in the data directory; the next command finishes the swap. Do not delete that file.",
                    e);
            }
        }

        int rewrapped;
        string? warning = null;
        try
        {
            rewrapped = snapshots.Rewrap(newKey, [newKey]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Format.BackupFileException)
        {
            // They still open with the new key (and, until this is repeated, with the old one too).
            rewrapped = 0;
            warning = $"The safety snapshots still also open with the old key: removing its key slots failed ({e.Message}).";
        }

        session.Logger<SystemKeyRotation>().LogWarning(
            "System key rotated from {Old} to {New}; {Count} secrets re-encrypted, {Snapshots} safety snapshots re-wrapped", oldKey.Fingerprint, newKey.Fingerprint, count, rewrapped);
        return new RotationResult(oldKey.Fingerprint, newKey.Fingerprint, count, ownsKeyFile, rewrapped, warning, session.SystemKey.Description);
    }
}
