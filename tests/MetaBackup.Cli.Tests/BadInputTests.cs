namespace MetaBackup.Cli.Tests;

/// <summary>Acceptance: bad input gets a clear error, exit code 1, and changes nothing.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public BadInputTests()
    {
        _cli.OkAsync("init").GetAwaiter().GetResult();
        _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=db", "--config", "database=app").GetAwaiter().GetResult();
        _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", "path=/backups").GetAwaiter().GetResult();
        _cli.OkAsync("profiles", "create", "--name", "offsite").GetAwaiter().GetResult();
        _cli.OkAsync("jobs", "add", "--name", "nightly", "--schedule", "0 3 * * *", "--source", "prod", "--destination", "disk").GetAwaiter().GetResult();
        _cli.OkAsync("groups", "add", "--name", "ops").GetAwaiter().GetResult();
        _cli.OkAsync("users", "add", "--email", "ops@example.com").GetAwaiter().GetResult();
        _cli.OkAsync("credentials", "add", "--name", "creds").GetAwaiter().GetResult();
        _cli.OkAsync("sso", "add", "--provider-id", "kc", "--issuer", "https://kc.example.com", "--client-id", "mb").GetAwaiter().GetResult();
    }

    public void Dispose() => _cli.Dispose();

    public static TheoryData<string, string[]> Cases => new()
    {
        { "Unknown database adapter type 'oracle'", ["adapters", "add", "--kind", "database", "--type", "oracle", "--name", "x"] },
        { "Unknown adapter kind 'queue'", ["adapters", "add", "--kind", "queue", "--type", "x", "--name", "x"] },
        { "needs 'bucket'", ["adapters", "add", "--kind", "storage", "--type", "s3", "--name", "x", "--config", "region=eu", "--config", "accessKeyId=A"] },
        { "not a valid cron expression", ["jobs", "add", "--name", "j", "--schedule", "0 3 * *", "--source", "prod", "--destination", "disk"] },
        { "not a valid cron expression", ["jobs", "update", "nightly", "--schedule", "99 * * * *"] },
        { "already exists", ["adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", "path=/other"] },
        { "already exists", ["jobs", "add", "--name", "nightly", "--schedule", "@daily", "--source", "prod", "--destination", "disk"] },
        { "already exists", ["users", "add", "--email", "OPS@example.com"] },
        { "already exists", ["groups", "add", "--name", "ops"] },
        { "already exists", ["credentials", "add", "--name", "creds"] },
        { "already exists", ["sso", "add", "--provider-id", "kc", "--issuer", "https://kc.example.com", "--client-id", "other"] },
        { "already exists", ["profiles", "create", "--name", "offsite"] },
        { "Unknown permission", ["groups", "add", "--name", "admins", "--permissions", "everything"] },
        { "not a valid email address", ["users", "add", "--email", "nobody"] },
        { "not a valid OpenID Connect issuer", ["sso", "add", "--provider-id", "g", "--issuer", "ftp://x", "--client-id", "c"] },
        { "does not exist", ["jobs", "add", "--name", "j", "--schedule", "@daily", "--source", "missing", "--destination", "disk"] },
        { "does not exist", ["jobs", "add", "--name", "j", "--schedule", "@daily", "--source", "prod", "--destination", "disk", "--profile", "missing"] },
        { "must be a database adapter", ["jobs", "add", "--name", "j", "--schedule", "@daily", "--source", "disk", "--destination", "disk"] },
        { "must be a storage adapter", ["jobs", "add", "--name", "j", "--schedule", "@daily", "--source", "prod", "--destination", "prod"] },
        { "is used by job(s) nightly", ["adapters", "remove", "prod"] },
        { "No job matches 'nope'", ["jobs", "remove", "nope"] },
        { "not a valid setting key", ["settings", "set", "bad key!", "x"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_with_a_clear_message_and_changes_nothing(string message, string[] args)
    {
        var before = _cli.Dump();

        var result = await _cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: ", result.Err, StringComparison.Ordinal);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        Assert.Equal(before, _cli.Dump());
    }

    [Fact]
    public async Task A_data_directory_without_a_configuration_is_named_with_what_to_do_and_is_not_created()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("profiles", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: There is no MetaBackup configuration in '{cli.DataDirectory}'.", result.Err, StringComparison.Ordinal);
        // Core's hint says what to do, the CLI's how: each once, neither repeating the other.
        var hints = result.Err.Split('\n').Where(line => line.StartsWith("hint: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["hint: Initialise it, or use the data directory that holds the configuration.", "hint: `metabackup init` initialises it; --data-dir DIR (or METABACKUP_DATA_DIR) names another."], hints);
        Assert.False(Directory.Exists(cli.DataDirectory));
    }

    /// <summary>Issue 9.18: an unusable SFTP private key was accepted by `adapters add` and failed only later, as "failed unexpectedly: SshException".</summary>
    [Fact]
    public async Task An_sftp_private_key_that_cannot_be_read_is_refused_when_it_is_given_without_echoing_it()
    {
        await _cli.OkAsync("init");
        var key = _cli.WriteFile("broken.key", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-really-a-key-0123456789\n-----END OPENSSH PRIVATE KEY-----\n");
        var before = _cli.Dump();

        var result = await _cli.RunAsync("adapters", "add", "--kind", "storage", "--type", "sftp", "--name", "remote", "--config", "host=h",
            "--config", "username=u", "--config", "path=/b", "--secret", $"privateKey=file:{key}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The privateKey of this sftp adapter cannot be used", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not-really-a-key", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpectedly", result.All, StringComparison.Ordinal);
        Assert.Equal(before, _cli.Dump());
    }
}
