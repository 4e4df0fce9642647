using System.Diagnostics;

namespace MetaBackup.Testing;

/// <summary>Runs the programs that test fixtures need (initdb, pg_ctl, apt-get …) and fails with their output when they fail.</summary>
public static class ExternalProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a program to its end; its exit code and everything it printed.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> args, string? standardInput = null)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
        };
        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Runs a program that must succeed.</summary>
    public static async Task<string> RequireAsync(string program, params string[] args)
    {
        var (code, output) = await RunAsync(program, args);
        return code == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {code}:\n{output}");
    }
}
