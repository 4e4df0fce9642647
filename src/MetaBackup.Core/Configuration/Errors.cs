namespace MetaBackup.Core.Configuration;

/// <summary>
/// An error an operator can act on: <see cref="Exception.Message"/> says what is wrong,
/// <see cref="Hint"/> what to do about it. Messages never carry a secret value.
/// </summary>
public class MetaBackupException(string message, string? hint = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string? Hint { get; } = hint;
}

/// <summary>Input that breaks a rule: a missing field, a malformed value, an unknown type.</summary>
public sealed class InvalidInputException(string message, string? hint = null)
    : MetaBackupException(message, hint);

/// <summary>A record looked up by id or natural key that does not exist.</summary>
public sealed class RecordNotFoundException(ConfigurationArea area, string reference)
    : MetaBackupException($"No {area.Singular} matches '{reference}'.", $"List what exists with `metabackup {area.Command} list`.")
{
    public ConfigurationArea Area { get; } = area;
}

/// <summary>A natural key that another record already holds.</summary>
public sealed class DuplicateKeyException(ConfigurationArea area, string naturalKey)
    : MetaBackupException(
        $"{char.ToUpperInvariant(area.OneRecord[0])}{area.OneRecord[1..]} with {area.NaturalKey} '{naturalKey}' already exists.",
        $"Choose another {area.NaturalKey}, or change the existing one with `metabackup {area.Command} update`.");

/// <summary>A reference that does not resolve, points at the wrong kind of record, or blocks a deletion.</summary>
public sealed class ReferenceException(string message, string? hint = null)
    : MetaBackupException(message, hint);

/// <summary>The command needs an initialised data directory and there is none.</summary>
public sealed class NotInitializedException(string dataDirectory)
    : MetaBackupException(
        $"There is no MetaBackup configuration in '{dataDirectory}'.",
        "Run `metabackup init` to create one, or point --data-dir / METABACKUP_DATA_DIR at the right directory.");

/// <summary>Someone else changed what this operation relied on, or is changing it now: nothing was changed; run it again.</summary>
public sealed class ConflictException(string message, string? hint = null, Exception? inner = null)
    : MetaBackupException(message, hint, inner);
