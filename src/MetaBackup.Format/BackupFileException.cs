namespace MetaBackup.Format;

/// <summary>Why a backup file was refused; each maps to a rule in file-format.md §6.</summary>
public enum BackupFileProblem
{
    NotABackupFile,
    UnsupportedVersion,
    DamagedHeader,
    WrongKey,
    DamagedPayload,
    Truncated,
    TrailingData,
}

/// <summary>A backup file that cannot be read. The message says what is wrong; <see cref="Hint"/> what to do.</summary>
public sealed class BackupFileException(BackupFileProblem problem, string message, string? hint = null) : Exception(message)
{
    public BackupFileProblem Problem { get; } = problem;

    public string? Hint { get; } = hint;
}
