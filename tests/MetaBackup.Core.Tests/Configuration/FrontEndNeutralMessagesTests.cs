using System.Text.RegularExpressions;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Configuration;

/// <summary>
/// Issue 10: the messages and hints of Core — and of every project below the front ends: data, format,
/// storage backends, connection testers, hosting — name no front end, no `metabackup` command and no
/// `--option`, so that the API and the UI do not inherit CLI wording. Each front end adds its own syntax from the
/// error's code and details (the CLI: CliErrors). The one exception is the Recovery Kit's text, a file
/// written for a person holding only the kit, which tells them the commands to use.
/// </summary>
public sealed partial class FrontEndNeutralMessagesTests
{
    [Fact]
    public void No_string_below_the_front_ends_names_a_cli_command_or_option()
    {
        var sources = Path.Combine(Repository.Root, "src");
        string[] frontEnds = ["MetaBackup.Cli", "MetaBackup.Server"];
        var offenders = Directory.EnumerateDirectories(sources).Where(project => !frontEnds.Contains(Path.GetFileName(project)))
            .SelectMany(project => Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(path) != "RecoveryKit.cs")
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && StringLiteral().Matches(l.line).Any(m => CliSyntax().IsMatch(m.Value)))
            .Select(l => $"{Path.GetRelativePath(sources, l.path)}:{l.index + 1}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Core strings that speak CLI:\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"`metabackup |(?<![\w-])--[a-z]")]
    private static partial Regex CliSyntax();
}
