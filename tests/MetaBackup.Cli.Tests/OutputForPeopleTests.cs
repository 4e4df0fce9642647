using System.Text.RegularExpressions;

namespace MetaBackup.Cli.Tests;

/// <summary>Issue 9.10: what the CLI prints reads well for people — names rather than ids, one time format, the promised columns and words.</summary>
public sealed partial class OutputForPeopleTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task ConfigureAsync()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=h", "--config", "database=db");
        await _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={Path.Combine(_cli.WorkingDirectory, "b")}");
        await _cli.OkAsync("profiles", "create", "--name", "offsite");
        await _cli.OkAsync("jobs", "add", "--name", "nightly", "--schedule", "0 3 * * *", "--source", "prod", "--destination", "disk=7", "--profile", "offsite");
        await _cli.OkAsync("settings", "set", "config.backup.storageId", "disk");
    }

    [Fact]
    public async Task Jobs_and_the_task_status_name_what_they_use()
    {
        await ConfigureAsync();

        var jobs = (await _cli.OkAsync("jobs", "list")).Out;
        var status = (await _cli.OkAsync("tasks", "config-backup", "status")).Out;

        Assert.Contains("database/prod", jobs, StringComparison.Ordinal);
        Assert.Contains("storage/disk (keep 7)", jobs, StringComparison.Ordinal);
        Assert.Contains("offsite", jobs, StringComparison.Ordinal);
        Assert.Contains("storage: storage/disk", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_time_shown_to_people_has_one_format_and_runs_show_the_promised_columns()
    {
        await ConfigureAsync();
        await _cli.OkAsync("tasks", "config-backup", "run");

        var outputs = new[]
        {
            (await _cli.OkAsync("tasks", "runs")).Out,
            (await _cli.OkAsync("groups", "add", "--name", "ops")).Out,
            (await _cli.OkAsync("backups", "list", "--storage", "disk")).Out,
            (await _cli.OkAsync("export", "-o", _cli.WorkingDirectory + "/")).Out,
            (await _cli.OkAsync("profiles", "show", "offsite")).Out,
        };

        foreach (var output in outputs)
        {
            Assert.Matches(ReadableTime(), output);
            Assert.DoesNotMatch(IsoTime(), output);
        }

        Assert.Matches("^ID +TRIGGER +STARTEDAT +ENDEDAT +STATUS +FILE +SIZE +CHECKSUM +ATTEMPTS +ERROR", outputs[0]);
        Assert.Contains("--limit <N>", (await _cli.OkAsync("tasks", "runs", "--help")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_and_remove_are_both_accepted_and_messages_use_the_right_article()
    {
        await ConfigureAsync();
        await _cli.OkAsync("groups", "add", "--name", "a");
        await _cli.OkAsync("groups", "add", "--name", "b");
        await _cli.OkAsync("profiles", "create", "--name", "spare");

        await _cli.OkAsync("groups", "delete", "a");
        await _cli.OkAsync("groups", "remove", "b");
        await _cli.OkAsync("profiles", "remove", "spare", "--force");
        var duplicate = await _cli.RunAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=h", "--config", "database=db");

        Assert.Contains("An adapter with kind+name 'database/prod' already exists", duplicate.Err, StringComparison.Ordinal);
        Assert.Contains("Remove an adapter", (await _cli.OkAsync("adapters", "remove", "--help")).Out, StringComparison.Ordinal);
        Assert.Contains("Remove an API key", (await _cli.OkAsync("apikeys", "remove", "--help")).Out, StringComparison.Ordinal);
        Assert.Contains("Remove an SSO provider", (await _cli.OkAsync("sso", "remove", "--help")).Out, StringComparison.Ordinal);
    }

    /// <summary>A brotli backup renamed to .json is recognised by its content, as gzip and encrypted files already were.</summary>
    [Fact]
    public async Task A_brotli_backup_renamed_to_json_is_recognised_by_its_content()
    {
        await ConfigureAsync();
        var brotli = Path.Combine(_cli.WorkingDirectory, "backup.json.br");
        await _cli.OkAsync("export", "--no-encryption", "--compression", "brotli", "-o", brotli);
        var renamed = Path.Combine(_cli.WorkingDirectory, "backup.json");
        File.Move(brotli, renamed);

        await _cli.OkAsync("validate", renamed);
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z")]
    private static partial Regex ReadableTime();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+|Z)")]
    private static partial Regex IsoTime();
}
