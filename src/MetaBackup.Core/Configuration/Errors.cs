namespace MetaBackup.Core.Configuration;

/// <summary>
/// An error an operator can act on: <see cref="Exception.Message"/> says what is wrong, <see cref="Hint"/>
/// what to do about it — in words that name no front end (no command, option or URL) — <see cref="Code"/>
/// why, stably (<see cref="ErrorCode"/>), and <see cref="Details"/> the data behind it. Messages never carry a secret value.
/// </summary>
public class MetaBackupException(string message, string? hint = null, Exception? inner = null, ErrorCode code = ErrorCode.Failed, IReadOnlyDictionary<string, string>? details = null)
    : Exception(message, inner)
{
    public string? Hint { get; } = hint;

    public ErrorCode Code { get; } = code;

    /// <summary>What a front end may use to say more, e.g. <c>area</c> and <c>reference</c> for <see cref="ErrorCode.NotFound"/>.</summary>
    public IReadOnlyDictionary<string, string> Details { get; } = details ?? new Dictionary<string, string>();
}

/// <summary>Input that breaks a rule: a missing field, a malformed value, an unknown type.</summary>
public sealed class InvalidInputException(string message, string? hint = null, IReadOnlyDictionary<string, string>? details = null)
    : MetaBackupException(message, hint, null, ErrorCode.InvalidInput, details);

/// <summary>A record looked up by id or natural key that does not exist.</summary>
public sealed class RecordNotFoundException(ConfigurationArea area, string reference)
    : MetaBackupException($"No {area.Singular} matches '{reference}'.", "List what exists to find its id or name.", null, ErrorCode.NotFound,
        new Dictionary<string, string> { ["area"] = area.Name, ["reference"] = reference })
{
    public ConfigurationArea Area { get; } = area;
}

/// <summary>A natural key that another record already holds.</summary>
public sealed class DuplicateKeyException(ConfigurationArea area, string naturalKey)
    : MetaBackupException(
        $"{char.ToUpperInvariant(area.OneRecord[0])}{area.OneRecord[1..]} with {area.NaturalKey} '{naturalKey}' already exists.",
        $"Choose another {area.NaturalKey}, or change the existing {area.Singular}.",
        null,
        ErrorCode.Duplicate,
        new Dictionary<string, string> { ["area"] = area.Name, ["key"] = naturalKey });

/// <summary>A reference that does not resolve (<see cref="ErrorCode.NotFound"/>), points at the wrong kind of record (<see cref="ErrorCode.InvalidInput"/>), or blocks a deletion (<see cref="ErrorCode.InUse"/>).</summary>
public sealed class ReferenceException(string message, string? hint = null, ErrorCode code = ErrorCode.InUse, IReadOnlyDictionary<string, string>? details = null)
    : MetaBackupException(message, hint, null, code, details);

/// <summary>The command needs an initialised data directory and there is none.</summary>
public sealed class NotInitializedException(string dataDirectory)
    : MetaBackupException(
        $"There is no MetaBackup configuration in '{dataDirectory}'.",
        "Initialise it, or use the data directory that holds the configuration.",
        null,
        ErrorCode.NotInitialized,
        new Dictionary<string, string> { ["dataDirectory"] = dataDirectory });

/// <summary>Someone else changed what this operation relied on, or is changing it now: nothing was changed; run it again.</summary>
public sealed class ConflictException(string message, string? hint = null, Exception? inner = null, IReadOnlyDictionary<string, string>? details = null)
    : MetaBackupException(message, hint, inner, ErrorCode.Conflict, details);
