using MetaBackup.Core.Configuration;
using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Http;

/// <summary>One kind of failure as the API reports it: its HTTP status, and the problem type URI that names it (RFC 9457).</summary>
/// <param name="Code">The error code of the application layer.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">A short summary that does not change from one occurrence to the next.</param>
/// <param name="Description">What it means and what to do, served at the type's URI.</param>
public sealed record ProblemType(ErrorCode Code, int Status, string Title, string Description)
{
    /// <summary>The type's name in URIs and in the <c>code</c> member: <c>not-found</c>, <c>backup-refused</c> ….</summary>
    public string Slug { get; } = string.Concat(Code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    /// <summary>The problem type URI (a relative reference, resolved against the server; <c>GET</c> it for the description).</summary>
    public string Uri => $"/problems/{Slug}";
}

/// <summary>
/// The server's one table from error code to HTTP status and problem type (docs/api.md, "Errors") — the API's
/// counterpart of the CLI's exit-code table. Every <see cref="ErrorCode"/> has a row; a test checks it.
/// </summary>
public static class ProblemTypes
{
    public static readonly IReadOnlyList<ProblemType> All =
    [
        new(ErrorCode.Failed, StatusCodes.Status500InternalServerError, "The operation failed", "Something went wrong that no other type describes better. The detail says what; the server's log has more."),
        new(ErrorCode.InvalidInput, StatusCodes.Status400BadRequest, "The request is not valid", "A value breaks a rule — a missing field, a malformed value, an unknown type — or the body is not JSON of the expected shape. The detail names the field and the rule; nothing was changed."),
        new(ErrorCode.NotFound, StatusCodes.Status404NotFound, "Not found", "The record (or backup, run, import session) named does not exist. List what exists to find its id or name."),
        new(ErrorCode.Duplicate, StatusCodes.Status409Conflict, "Already exists", "Another record already holds this name (or other unique value). Change that record, or choose another value."),
        new(ErrorCode.InUse, StatusCodes.Status409Conflict, "In use", "The record cannot be removed while other records use it; the detail says which. Change those first."),
        new(ErrorCode.ProfileLocked, StatusCodes.Status409Conflict, "The profile's key is missing", "The Encryption Profile's key is not on this server. Import it from the Recovery Kit."),
        new(ErrorCode.KeyNotSaved, StatusCodes.Status409Conflict, "The key was never saved", "The profile's key exists only on this server; deleting it makes every backup it encrypted unreadable. Download the Recovery Kit first, or delete with force=true."),
        new(ErrorCode.BackupRefused, StatusCodes.Status422UnprocessableEntity, "The backup was refused", "The backup cannot be imported: damaged or truncated, encrypted with a key that is not given or not the right one, of a newer schema version, or contradicting itself or this configuration. Nothing was changed."),
        new(ErrorCode.WrongSystemKey, StatusCodes.Status503ServiceUnavailable, "Wrong system key", "The server's system key is not the one the configuration is sealed under. Start the server with the right key."),
        new(ErrorCode.NotInitialized, StatusCodes.Status503ServiceUnavailable, "Not initialised", "The data directory holds no configuration."),
        new(ErrorCode.SecretUnreadable, StatusCodes.Status409Conflict, "A stored secret cannot be read", "A stored secret cannot be decrypted under the system key in force. Set it again."),
        new(ErrorCode.StorageFailed, StatusCodes.Status502BadGateway, "The storage destination failed", "A storage destination could not be read or written; transient failures were retried. The detail says what it answered."),
        new(ErrorCode.ConnectionFailed, StatusCodes.Status502BadGateway, "The connection test failed", "The adapter's connection does not work, or its type cannot be tested here; the detail says which and why."),
        new(ErrorCode.DatabaseUnavailable, StatusCodes.Status503ServiceUnavailable, "The configuration database is unavailable", "The server could not reach its configuration database, or the database refused the connection; the detail says which. Nothing was changed; try again when the database is back."),
        new(ErrorCode.Conflict, StatusCodes.Status409Conflict, "Conflict", "Someone else changed or holds what this request needed: the record changed since it was read (its ETag moved), an import plan went stale, a run is already in progress, or the database was busy. Read again and retry."),
        new(ErrorCode.Unauthenticated, StatusCodes.Status401Unauthorized, "Not signed in", "Sign in (POST /api/v1/session), or send an API key as 'Authorization: Bearer KEY'. An expired or revoked key, or a session whose user was disabled, is refused too."),
        new(ErrorCode.Forbidden, StatusCodes.Status403Forbidden, "Forbidden", "The caller lacks the permission the operation needs (the detail names it), or a signed-in browser request lacked its antiforgery token. The refusal is audited; nothing was changed."),
        new(ErrorCode.TooManyRequests, StatusCodes.Status429TooManyRequests, "Too many attempts", "Too many sign-in attempts from this address; wait for the time in Retry-After."),
        new(ErrorCode.TooLarge, StatusCodes.Status413PayloadTooLarge, "Too large", "The upload is larger than the server accepts; the detail gives the limit."),
    ];

    public static ProblemType For(ErrorCode code) => All.Single(t => t.Code == code);

    public static ProblemType? FromSlug(string slug) => All.SingleOrDefault(t => t.Slug == slug);
}
