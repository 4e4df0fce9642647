using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Persistence;

/// <summary>What <see cref="ConfigurationStore.InitializeAsync"/> did.</summary>
/// <param name="Created">False when the data directory was already initialised.</param>
/// <param name="GeneratedKeyPath">Set when the new configuration's system key lives in a file MetaBackup generated in the data directory.</param>
public sealed record InitializeResult(bool Created, string? GeneratedKeyPath, SystemKey SystemKey, string Database)
{
    /// <summary>What every front end says, loudly, when it generated the system key (docs/secrets.md): where it is, and to keep a copy.</summary>
    public IReadOnlyList<string> KeyWarnings => GeneratedKeyPath is { } path
        ?
        [
            $"a new system key was generated: {path} (fingerprint {SystemKey.Fingerprint}).",
            "KEEP A COPY OF THIS FILE somewhere safe, away from this server. Every secret in the configuration is encrypted with it;",
            $"without it they cannot be read. To manage the key yourself instead, set {SystemKeySource.KeyVariable} or {SystemKeySource.KeyFileVariable}.",
        ]
        : [];
}

/// <summary>
/// Opens the configuration store, guarding the system key (docs/secrets.md, "The system key"): the key in force must be
/// the one the stored secrets are sealed under. That is checked before any migration or write, so a
/// wrong key changes nothing. A rotation interrupted between its commit and its key-file swap is
/// finished here.
/// </summary>
public sealed class ConfigurationStore(
    DataDirectory dataDirectory,
    IDatabaseProvider database,
    Func<string, string?> environment,
    ILoggerFactory loggerFactory,
    TimeProvider? clock = null,
    Actor? actor = null)
{
    private readonly SystemKeySource _keys = new(dataDirectory, environment);
    private readonly TimeProvider _clock = StoredTime.Clock(clock ?? TimeProvider.System);
    private readonly ILogger _logger = loggerFactory.CreateLogger<ConfigurationStore>();

    /// <summary>The key the last open found in force, with migrations applied; later opens only check that the stored fingerprint is still its.</summary>
    private volatile SystemKey? _verified;

    public DataDirectory DataDirectory => dataDirectory;

    public SystemKeySource Keys => _keys;

    /// <summary>Opens an initialised store; fails with a clear message when it is not, or when the key is wrong.</summary>
    public Task<ConfigurationSession> OpenAsync(CancellationToken cancellationToken = default) => OpenAsync(actor ?? Actor.System, cancellationToken);

    /// <summary>
    /// Opens a session for <paramref name="sessionActor"/>. The first open of this store checks the system key,
    /// applies pending migrations (docs/architecture.md, "Composition") and shares again a database an interrupted bulk
    /// load left to itself (<see cref="IDatabaseProvider.ShareAgainAsync"/>); later ones — a server's requests —
    /// only read the stored fingerprint and, when a rotation elsewhere has moved it, resolve the key again.
    /// </summary>
    public async Task<ConfigurationSession> OpenAsync(Actor sessionActor, CancellationToken cancellationToken = default)
    {
        var db = NewContext();
        try
        {
            var key = _verified is { } known && await db.ReadKeyFingerprintAsync(cancellationToken) == known.Fingerprint
                ? known
                : await ResolveAndMigrateAsync(db, cancellationToken);
            return new ConfigurationSession(db, database, key, _clock, sessionActor, loggerFactory);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    private async Task<SystemKey> ResolveAndMigrateAsync(ConfigurationDbContext db, CancellationToken cancellationToken)
    {
        var key = await ResolveKeyAsync(db, cancellationToken);
        await MigrateIfNeededAsync(db, cancellationToken);
        await database.ShareAgainAsync(db, cancellationToken);
        _verified = key;
        return key;
    }

    /// <summary>
    /// The key in force. The stored fingerprint and the key files are read one after the other, and a
    /// rotation in another process can commit and swap its key file in between (docs/secrets.md): a
    /// mismatch is reported only when the stored fingerprint has not moved meanwhile.
    /// </summary>
    private async Task<SystemKey> ResolveKeyAsync(ConfigurationDbContext db, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await ReadStoredFingerprintAsync(db, cancellationToken) ?? throw new NotInitializedException(dataDirectory.Root);
            try
            {
                return ResolveKey(stored);
            }
            catch (SystemKeyException) when (attempt < 3)
            {
                if (await ReadStoredFingerprintAsync(db, cancellationToken) == stored)
                {
                    throw;
                }

                // A rotation committed while this open read the key files: read both again.
            }
        }
    }

    /// <summary>
    /// Creates the data directory, the system key (unless one is configured) and the database.
    /// On an initialised directory it only checks the key and applies pending migrations. One
    /// initialisation at a time per data directory; one killed midway leaves no database (a generated
    /// key file may remain, and the next initialisation uses it).
    /// </summary>
    public async Task<InitializeResult> InitializeAsync(CancellationToken cancellationToken = default)
    {
        // The data directory holds the key and the database: owner-only from the start, also when it existed.
        PrivateFile.CreateDirectory(dataDirectory.Root);
        PrivateFile.RestrictToOwner(dataDirectory.Root);
        using var initLock = await LockFile.AcquireAsync(dataDirectory.InitLockPath, TimeSpan.FromMinutes(2), cancellationToken)
            ?? throw new ConflictException($"Another `init` of '{dataDirectory.Root}' has been running for two minutes.", "Let it finish, then run init again.");
        await using (var existing = NewContext())
        {
            if (await ReadStoredFingerprintAsync(existing, cancellationToken) is not null)
            {
                var key = await ResolveKeyAsync(existing, cancellationToken);
                await MigrateIfNeededAsync(existing, cancellationToken);
                return new InitializeResult(false, null, key, database.Description);
            }
        }

        var configured = _keys.TryLoad();
        var systemKey = configured ?? _keys.GenerateInDataDirectory();
        await database.CreateAsync(async (db, ct) =>
        {
            db.SystemState.Add(new SystemState { Key = SystemState.SystemKeyFingerprint, Value = systemKey.Fingerprint });
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        _logger.LogInformation("Initialised {Database} with system key {Fingerprint} from {Origin}", database.Description, systemKey.Fingerprint, systemKey.Description);
        // A key file left by an init killed before its database existed is as new to the operator as a generated one.
        return new InitializeResult(true, systemKey.Origin == SystemKeyOrigin.DataDirectory ? systemKey.Description : null, systemKey, database.Description);
    }

    /// <summary>
    /// Applies pending migrations only when there are some: migrating takes a lock by writing to the
    /// database, and a command that changes nothing must leave the database file byte for byte as it was.
    /// </summary>
    private async Task MigrateIfNeededAsync(ConfigurationDbContext db, CancellationToken cancellationToken)
    {
        if (MigrationHistory.HasPending(db, await database.AppliedMigrationsAsync(db, cancellationToken)))
        {
            await database.MigrateAsync(db, cancellationToken);
        }
    }

    /// <summary>A new context on the same database (e.g. for a second unit of work).</summary>
    public ConfigurationDbContext NewContext() => new(database.ContextOptions) { Clock = _clock };

    private async Task<string?> ReadStoredFingerprintAsync(ConfigurationDbContext db, CancellationToken cancellationToken)
    {
        if (!database.DatabaseExists())
        {
            return null;
        }

        // Read-only checks: nothing is created or migrated before the key is known to be right.
        if ((await database.AppliedMigrationsAsync(db, cancellationToken)).Count == 0)
        {
            return null;
        }

        return await db.ReadKeyFingerprintAsync(cancellationToken);
    }

    /// <summary>
    /// The key the stored secrets are sealed under. A key file left staged by a rotation is promoted
    /// (the rotation committed, then stopped) or discarded (it never committed) only by whoever holds
    /// the rotation lock: while a rotation runs — in this process or another — its staged key is the
    /// only copy of the key it is committing to, and an open must neither delete nor move it.
    /// </summary>
    private SystemKey ResolveKey(string storedFingerprint)
    {
        var key = _keys.TryLoad();
        var pending = _keys.TryLoadPending();

        if (key?.Fingerprint == storedFingerprint)
        {
            if (pending is not null)
            {
                using var rotation = _keys.TryLockRotation();
                if (rotation is not null && _keys.TryLoadPending() is not null)
                {
                    // No rotation runs, so this staged key belongs to one that never committed: the old key is still the real one.
                    _keys.DiscardPending();
                }
            }

            return key;
        }

        if (pending?.Fingerprint == storedFingerprint && key?.Origin is null or SystemKeyOrigin.DataDirectory)
        {
            using var rotation = _keys.TryLockRotation();
            if (rotation is null)
            {
                // A rotation has committed and is about to swap the key files itself: use its key, leave its files alone.
                return pending;
            }

            if (_keys.TryLoadPending() is not null)
            {
                // A rotation committed but stopped before swapping key files: finish it.
                _keys.PromotePending();
                _logger.LogWarning("Finished an interrupted system key rotation: {Path} now holds key {Fingerprint}", dataDirectory.SystemKeyPath, storedFingerprint);
            }

            return _keys.TryLoad()!;
        }

        if (key is null)
        {
            throw new SystemKeyException(
                $"No system key is configured, but the configuration in '{dataDirectory.Root}' is encrypted under system key {storedFingerprint}.",
                $"Set {SystemKeySource.KeyVariable} or {SystemKeySource.KeyFileVariable} to that key, or restore '{dataDirectory.SystemKeyPath}' from your records.");
        }

        throw new SystemKeyException(
            $"Wrong system key: the key from {key.Description} has fingerprint {key.Fingerprint}, but the configuration in '{dataDirectory.Root}' is encrypted under system key {storedFingerprint}. Nothing was changed.",
            $"Start with the key whose fingerprint is {storedFingerprint}. If that key is lost, initialise a new data directory and import a configuration backup into it.");
    }
}

/// <summary>The system key is missing or is not the one the configuration was written with.</summary>
public sealed class SystemKeyException(string message, string hint) : MetaBackupException(message, hint, null, ErrorCode.WrongSystemKey);
