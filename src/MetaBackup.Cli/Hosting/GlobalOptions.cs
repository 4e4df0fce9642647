using System.CommandLine;

namespace MetaBackup.Cli;

/// <summary>Options every command accepts, before or after the command name.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "The data directory (default: $METABACKUP_DATA_DIR, else ./data).",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Do not report progress on stderr (warnings and errors still appear).",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON on stdout.",
        Recursive = true,
    };
}
