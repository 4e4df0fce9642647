using System.Diagnostics;
using System.Text;

namespace MetaBackup.Cli.Tests;

/// <summary>Everything a running process prints, both streams in the order the lines arrive, readable while it runs.</summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _lines = new();

    private ProcessOutput()
    {
    }

    /// <summary>Starts collecting a process's standard output and error (both must be redirected).</summary>
    public static ProcessOutput Collect(Process process)
    {
        var output = new ProcessOutput();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    /// <summary>What has been printed so far.</summary>
    public string Text
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToString();
            }
        }
    }

    private void Add(string? line)
    {
        lock (_lines)
        {
            _lines.AppendLine(line);
        }
    }
}
