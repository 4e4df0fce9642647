using System.Diagnostics;

namespace MetaBackup.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, from Debian's server binaries
/// (<c>/usr/lib/postgresql/N/bin</c>): initdb into a temporary directory with password authentication
/// (scram-sha-256) for one superuser, started with pg_ctl, stopped and deleted when disposed. PostgreSQL
/// refuses to run as root, so under root the cluster belongs to, and runs as, the user <c>nobody</c>.
/// When the binaries are missing (`apt-get install postgresql` installs them), <see cref="SkipReason"/> says so.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "metabackup";
    private readonly string _root = Directory.CreateTempSubdirectory("metabackup-pg-").FullName;
    private string? _binaries;

    public PostgresServer()
    {
        Password = $"pg-{Guid.NewGuid():N}";
    }

    public int Port { get; private set; }

    /// <summary>The superuser's password (never on a command line: initdb reads it from a file).</summary>
    public string Password { get; }

    public string? SkipReason { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A connection string for the cluster's <c>postgres</c> database, or another.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database};Pooling=false";

    public async Task StartAsync()
    {
        _binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault()
            : null;
        if (_binaries is null)
        {
            SkipReason = "PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql); .ci/run installs them.";
            return;
        }

        var passwordFile = Path.Combine(_root, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (ExternalProcess.IsRoot)
        {
            // The whole (owner-only) directory belongs to the cluster's owner.
            await ExternalProcess.RequireAsync("chown", "-R", "nobody", _root);
        }

        await AsOwnerAsync("initdb", "-D", DataDirectory, "-U", User, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "--no-sync", "-E", "UTF8", "--locale=C");
        File.Delete(passwordFile);
        Port = Repository.FreePort();
        await AsOwnerAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -h 127.0.0.1 -k {DataDirectory} -F", "start");
    }

    public async ValueTask DisposeAsync()
    {
        if (_binaries is not null && Port != 0)
        {
            await AsOwnerAsync("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The path of one of the server's client programs (pg_dump, psql), to run as any user with the password.</summary>
    public string Program(string name) => Path.Combine(_binaries ?? throw new InvalidOperationException(SkipReason ?? "The cluster was not started."), name);

    /// <summary>Runs one of the cluster's programs as its owner.</summary>
    private async Task AsOwnerAsync(string program, params string[] args)
    {
        var path = Path.Combine(_binaries!, program);
        if (ExternalProcess.IsRoot)
        {
            await ExternalProcess.RequireAsync("runuser", ["-u", "nobody", "--", path, .. args]);
        }
        else
        {
            await ExternalProcess.RequireAsync(path, args);
        }
    }
}
