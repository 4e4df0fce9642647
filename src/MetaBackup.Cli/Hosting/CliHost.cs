namespace MetaBackup.Cli;

/// <summary>
/// What a CLI run talks to: its standard streams and its environment. Tests run the real CLI
/// in-process by giving it their own host; <see cref="FromProcess"/> is the real one.
/// </summary>
public sealed record CliHost(TextReader In, TextWriter Out, TextWriter Error, Func<string, string?> Environment, string CurrentDirectory)
{
    public static CliHost FromProcess() =>
        new(Console.In, Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, System.Environment.CurrentDirectory);

    /// <summary>The operator's login name, for the audit log (as <c>cli:&lt;name&gt;</c>).</summary>
    public string OperatorName => Environment("USER") ?? System.Environment.UserName;
}
