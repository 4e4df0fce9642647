using System.Runtime.InteropServices;

namespace MetaBackup.Bench;

/// <summary>
/// The floor beneath a command's start-up (docs/performance.md, "Start-up"): <c>bench/EfCoreFloor</c>, the least a
/// program does to list a MetaBackup database's encryption profiles — through EF Core, and through Microsoft.Data.Sqlite
/// alone — published as the launcher publishes the CLI (ReadyToRun for this machine, framework-dependent) and timed as
/// a whole process beside <c>profiles list</c>.
/// </summary>
public sealed class StartupFloor
{
    private readonly string _program;

    private StartupFloor(string program) => _program = program;

    /// <summary>Publishes the floor's program into <c>.artifacts/bench-floor</c> (about a minute, once a suite).</summary>
    public static StartupFloor Publish(WholeProcess cli)
    {
        var output = Path.Combine(cli.RepositoryRoot, ".artifacts", "bench-floor");
        var project = Path.Combine(cli.RepositoryRoot, "bench", "EfCoreFloor", "EfCoreFloor.csproj");
        WholeProcess.Shell(
            $"dotnet publish '{project}' -c Release -r {RuntimeInformation.RuntimeIdentifier} --self-contained false -p:PublishReadyToRun=true -o '{output}' --nologo > /dev/null");
        return new StartupFloor(Path.Combine(output, "EfCoreFloor.dll"));
    }

    /// <summary>The profiles of <paramref name="database"/> listed through EF Core.</summary>
    public ProcessFigures ThroughEfCore(string database) => WholeProcess.Shell($"dotnet '{_program}' efcore '{database}' > /dev/null");

    /// <summary>The same through Microsoft.Data.Sqlite alone: the runtime and SQLite, no EF Core.</summary>
    public ProcessFigures ThroughSqliteAlone(string database) => WholeProcess.Shell($"dotnet '{_program}' sqlite '{database}' > /dev/null");
}
