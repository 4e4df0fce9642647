namespace MetaBackup.Cli;

/// <summary>Exit codes, documented for scripts in docs/exit-codes.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: bad input, a missing record, a wrong key …</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown command or option, missing argument.</summary>
    public const int Usage = 2;

    /// <summary>Validation refused the input before anything changed (import, validate).</summary>
    public const int ValidationRefused = 3;

    /// <summary>Stopped by Ctrl+C (SIGINT) or SIGTERM before it finished; what it had not committed was rolled back (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}

/// <summary>A command line that parses but asks for something impossible (e.g. two mutually exclusive options).</summary>
public sealed class UsageException(string message) : Exception(message);
