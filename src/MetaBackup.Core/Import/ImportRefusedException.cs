using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Import;

/// <summary>
/// Validation refused a backup before anything changed: it cannot be decrypted or authenticated, its
/// schema version is unknown, it breaks its schema, or it conflicts with itself or the database.
/// Code <see cref="ErrorCode.BackupRefused"/>.
/// </summary>
public sealed class ImportRefusedException(string message, string? hint = null, IReadOnlyList<string>? problems = null, Exception? inner = null, IReadOnlyDictionary<string, string>? details = null)
    : MetaBackupException(message, hint, inner, ErrorCode.BackupRefused, details)
{
    /// <summary>Every problem found, each naming where (a JSON path or a record).</summary>
    public IReadOnlyList<string> Problems { get; } = problems ?? [];
}
