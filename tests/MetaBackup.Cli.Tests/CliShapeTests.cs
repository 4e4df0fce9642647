using System.Text.Json.Nodes;

namespace MetaBackup.Cli.Tests;

/// <summary>The CLI's contract with scripts (docs/cli.md, "Output" and "Conventions"; docs/exit-codes.md): --json anywhere, exit codes, no secrets on the command line.</summary>
public sealed class CliShapeTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Json_is_accepted_before_or_after_the_command()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("settings", "set", "system.timezone", "Europe/Berlin");

        var before = await _cli.OkAsync("--json", "settings", "list");
        var after = await _cli.OkAsync("settings", "list", "--json");

        Assert.Equal(before.Out, after.Out);
        var timezone = JsonNode.Parse(before.Out)!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "system.timezone")!;
        Assert.Equal("Europe/Berlin", timezone["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("settings")]
    [InlineData("settings", "get")]
    [InlineData("jobs", "add", "--no-such-option")]
    public async Task A_malformed_command_line_exits_2_with_a_hint(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--help", result.Err, StringComparison.Ordinal);
    }

    /// <summary>Issue 9.6: a typo printed three unrelated errors; now one, about the mistyped word, with the likely intent.</summary>
    [Theory]
    [InlineData("`metabackup` has no command 'profils'", "did you mean `metabackup profiles`?", "profils", "list")]
    [InlineData("`metabackup profiles` has no command 'lsit'", "did you mean `metabackup profiles list`?", "profiles", "lsit")]
    [InlineData("`metabackup export` has no option '--profle'", "did you mean `metabackup export --profile`?", "export", "--profle", "x")]
    [InlineData("`metabackup tasks` has no command 'rnus'", "did you mean `metabackup tasks runs`?", "tasks", "rnus")]
    public async Task A_typo_gets_one_error_and_a_did_you_mean(string error, string hint, params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {error}.", $"hint: {hint}"], result.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Help_exits_0()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("profiles", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_given_on_the_command_line_is_refused_and_never_echoed()
    {
        await _cli.OkAsync("init");

        var result = await _cli.RunAsync("credentials", "add", "--name", "db", "--secret", "password=hunter2-hunter2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("never accepted on the command line", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.All, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse((await _cli.OkAsync("credentials", "list", "--json")).Out)!.AsArray());
    }

    [Fact]
    public async Task A_secret_from_a_missing_variable_or_file_is_a_failure_like_any_missing_input()
    {
        await _cli.OkAsync("init");

        Assert.Equal(1, (await _cli.RunAsync("credentials", "add", "--name", "db", "--secret", "password=env:NOT_SET_ANYWHERE")).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("credentials", "add", "--name", "db", "--secret", "password=file:/no/such/file")).ExitCode);
    }

    [Fact]
    public async Task A_command_before_init_says_to_run_init_and_creates_nothing()
    {
        var result = await _cli.RunAsync("jobs", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("metabackup init", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.DataDirectory));
    }

    [Fact]
    public async Task Listing_and_showing_say_whether_a_secret_is_set_without_showing_it()
    {
        await _cli.OkAsync("init");
        _cli.Environment["TOKEN"] = "tok-123456789";
        await _cli.OkAsync("credentials", "add", "--name", "api", "--secret", "token=env:TOKEN");

        var shown = await _cli.OkAsync("credentials", "show", "api");
        var json = JsonNode.Parse((await _cli.OkAsync("credentials", "show", "api", "--json")).Out)!;

        Assert.Contains("token: (secret, set)", shown.Out, StringComparison.Ordinal);
        Assert.Contains("password: (secret, not set)", shown.Out, StringComparison.Ordinal);
        Assert.True(json["secrets"]!["token"]!.GetValue<bool>());
        Assert.Null(json["token"]);
    }

    [Fact]
    public async Task An_update_changes_only_what_is_given()
    {
        await _cli.OkAsync("init");
        _cli.Environment["PW"] = "first-password";
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=db", "--config", "database=app", "--secret", "password=env:PW");

        await _cli.OkAsync("adapters", "update", "prod", "--config", "port=6543");
        var shown = JsonNode.Parse((await _cli.OkAsync("adapters", "show", "prod", "--json")).Out)!;

        Assert.Equal(6543, shown["config"]!["port"]!.GetValue<int>());
        Assert.Equal("db", shown["config"]!["host"]!.GetValue<string>());
        Assert.True(shown["secrets"]!["password"]!.GetValue<bool>());
    }

    /// <summary>Issue 10: Core says what is wrong in neutral words; the CLI's one table (CliErrors) adds what to type, from the error's code and details.</summary>
    [Fact]
    public async Task Errors_get_the_clis_own_hint_from_their_code_and_details()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("groups", "add", "--name", "ops");

        var missing = await _cli.RunAsync("groups", "show", "nope");
        var duplicate = await _cli.RunAsync("groups", "add", "--name", "ops");
        var plainSecret = await _cli.RunAsync("adapters", "add", "--kind", "storage", "--type", "s3", "--name", "s3", "--config", "region=r", "--config", "bucket=b", "--config", "accessKeyId=a", "--config", "secretAccessKey=x");
        var missingKey = await _cli.RunAsync("adapters", "add", "--kind", "storage", "--type", "s3", "--name", "s3", "--config", "region=r", "--config", "bucket=b");

        Assert.Contains("hint: list what exists with `metabackup groups list`.", missing.Err, StringComparison.Ordinal);
        Assert.Contains("hint: change the existing one with `metabackup groups update`.", duplicate.Err, StringComparison.Ordinal);
        Assert.Contains("--secret secretAccessKey=stdin", plainSecret.Err, StringComparison.Ordinal);
        Assert.Contains("hint: set --config accessKeyId=VALUE --secret secretAccessKey=SOURCE.", missingKey.Err, StringComparison.Ordinal);
        Assert.All(new[] { missing, duplicate, plainSecret, missingKey }, r => Assert.Equal(1, r.ExitCode));
    }
}
