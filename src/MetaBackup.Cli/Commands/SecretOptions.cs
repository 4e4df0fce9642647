using System.CommandLine;
using MetaBackup.Cli.Input;

namespace MetaBackup.Cli.Commands;

/// <summary>The <c>--secret NAME=SOURCE</c> and <c>--unset NAME</c> options, described with the secret names they take.</summary>
public static class SecretOptions
{
    public static Option<string[]> Secret(IEnumerable<string> names) => new("--secret")
    {
        Description = $"Set a secret: NAME=SOURCE, repeatable. NAME is one of: {string.Join(", ", names)}. {SecretReader.SourceHelp}.",
        HelpName = "NAME=SOURCE",
    };

    public static Option<string[]> Unset(string what) => new("--unset")
    {
        Description = $"Remove {what}; repeatable.",
        HelpName = "NAME",
    };
}
