using System.Text;

namespace MetaBackup.Cli;

/// <summary>
/// What a CLI run talks to: its standard streams and its environment. Tests run the real CLI
/// in-process by giving it their own host; <see cref="FromProcess"/> is the real one.
/// </summary>
public sealed record CliHost(TextReader In, TextWriter Out, TextWriter Error, Func<string, string?> Environment, string CurrentDirectory)
{
    /// <summary>How much of one write goes out in one system call.</summary>
    internal const int OutputBlock = 64 * 1024;

    public static CliHost FromProcess() =>
        new(Console.In, StandardOutput(Console.OpenStandardOutput(), Console.OutputEncoding), Console.Error, System.Environment.GetEnvironmentVariable, System.Environment.CurrentDirectory);

    /// <summary>
    /// Standard output written as <see cref="Console.Out"/> writes it — every write sent on before it returns, so that
    /// stdout and stderr keep their order on a terminal — but in blocks: <see cref="Console.Out"/> sends what it holds
    /// every 256 bytes, and the plan of an import of 100,000 records went out in 17,000 system calls
    /// (docs/performance.md, "Import"). Without a byte-order mark, as the console writes none.
    /// </summary>
    internal static TextWriter StandardOutput(Stream stdout, Encoding encoding) =>
        TextWriter.Synchronized(new StreamWriter(stdout, encoding.Preamble.Length > 0 && encoding is UTF8Encoding ? new UTF8Encoding(false) : encoding, OutputBlock) { AutoFlush = true });

    /// <summary>The operator's login name, for the audit log (as <c>cli:&lt;name&gt;</c>).</summary>
    public string OperatorName => Environment("USER") ?? System.Environment.UserName;
}
