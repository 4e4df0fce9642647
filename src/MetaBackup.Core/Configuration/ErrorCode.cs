namespace MetaBackup.Core.Configuration;

/// <summary>
/// Why an operation failed: stable across versions, the same whichever front end asked. The CLI maps
/// each to an exit code and a hint in its own syntax (docs/exit-codes.md); the API to an HTTP status and
/// a problem type (docs/api.md, "Errors"). Messages name no front end; details carry the data a front end
/// needs to say more (the area, the record, the profile …).
/// </summary>
public enum ErrorCode
{
    /// <summary>Something MetaBackup knows about went wrong, and none of the codes below says better what.</summary>
    Failed,

    /// <summary>A value breaks a rule: a missing field, a malformed value, an unknown type.</summary>
    InvalidInput,

    /// <summary>A record named (or referenced) does not exist.</summary>
    NotFound,

    /// <summary>A natural key (or other unique value) another record already holds.</summary>
    Duplicate,

    /// <summary>A deletion refused because something still uses the record.</summary>
    InUse,

    /// <summary>A profile's key is missing on this server.</summary>
    ProfileLocked,

    /// <summary>Deleting a profile whose key exists nowhere but here, without saying so is meant.</summary>
    KeyNotSaved,

    /// <summary>A backup refused before anything changed: damaged, wrong or missing key, unknown version, invalid document, a clash.</summary>
    BackupRefused,

    /// <summary>The system key in use is not the one the configuration is sealed under, or there is none.</summary>
    WrongSystemKey,

    /// <summary>The data directory holds no configuration yet.</summary>
    NotInitialized,

    /// <summary>A stored secret cannot be decrypted.</summary>
    SecretUnreadable,

    /// <summary>A storage destination failed (it may work again later when the failure is transient).</summary>
    StorageFailed,

    /// <summary>An adapter's connection test failed, or its type cannot be tested.</summary>
    ConnectionFailed,

    /// <summary>Someone else changed or holds what this operation needed: a newer version of a record, a stale plan, a busy database, a run in progress.</summary>
    Conflict,

    /// <summary>The caller is not signed in (or its credentials are not valid).</summary>
    Unauthenticated,

    /// <summary>The caller may not do this.</summary>
    Forbidden,

    /// <summary>Too many attempts (sign-in); try again later.</summary>
    TooManyRequests,

    /// <summary>A request body larger than the server accepts.</summary>
    TooLarge,

    /// <summary>The configuration database cannot be reached, or refused the connection (docs/database.md).</summary>
    DatabaseUnavailable,
}
