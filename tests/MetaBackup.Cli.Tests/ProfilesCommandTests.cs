using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

public sealed class ProfilesCommandTests : IDisposable
{
    private readonly CliRunner _a = new();
    private readonly CliRunner _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task A_recovery_kit_written_by_one_data_directory_imports_into_another_with_the_same_fingerprint_and_no_twin()
    {
        _a.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        _b.Environment["ENCRYPTION_KEY"] = TestKeys.B;
        await _a.OkAsync("init");
        await _b.OkAsync("init");
        var created = JsonNode.Parse((await _a.OkAsync("--json", "profiles", "create", "--name", "offsite")).Out)!;
        var kit = Path.Combine(_a.WorkingDirectory, "offsite.kit");
        await _a.OkAsync("profiles", "recovery-kit", "offsite", "-o", kit);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kit));

        var first = JsonNode.Parse((await _b.OkAsync("profiles", "import-key", "--kit", kit, "--json")).Out)!;
        var second = JsonNode.Parse((await _b.OkAsync("profiles", "import-key", "--kit", kit, "--json")).Out)!;

        Assert.Equal(created["fingerprint"]!.GetValue<string>(), first["fingerprint"]!.GetValue<string>());
        Assert.Equal("created", first["outcome"]!.GetValue<string>());
        Assert.Equal("alreadyPresent", second["outcome"]!.GetValue<string>());
        Assert.Single(JsonNode.Parse((await _b.OkAsync("profiles", "list", "--json")).Out)!.AsArray());
    }

    [Fact]
    public async Task A_raw_hex_key_imports_and_the_list_never_shows_the_key()
    {
        await _a.OkAsync("init");
        var keyFile = _a.WriteFile("key.hex", TestKeys.C + "\n");

        await _a.OkAsync("profiles", "import-key", "--key-file", keyFile, "--name", "from-hex");
        var list = await _a.OkAsync("profiles", "list");

        Assert.Contains(TestKeys.FingerprintOf(TestKeys.C), list.Out, StringComparison.Ordinal);
        Assert.Contains("false", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.C, string.Concat(_a.History.Select(h => h.All)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_hex_key_is_refused_and_changes_nothing()
    {
        await _a.OkAsync("init");
        var before = _a.Dump();

        var result = await _a.RunAsync("profiles", "import-key", "--key-file", _a.WriteFile("bad.hex", "abcdefg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("64 hexadecimal characters", result.Err, StringComparison.Ordinal);
        Assert.Equal(before, _a.Dump());
    }

    [Fact]
    public async Task Kit_and_key_file_together_or_neither_are_usage_errors()
    {
        await _a.OkAsync("init");

        Assert.Equal(2, (await _a.RunAsync("profiles", "import-key")).ExitCode);
        Assert.Equal(2, (await _a.RunAsync("profiles", "import-key", "--kit", "a", "--key-file", "b")).ExitCode);
    }

    [Fact]
    public async Task A_recovery_kit_is_never_written_over_an_existing_file()
    {
        await _a.OkAsync("init");
        await _a.OkAsync("profiles", "create", "--name", "offsite");
        var existing = _a.WriteFile("precious.txt", "do not overwrite");

        var result = await _a.RunAsync("profiles", "recovery-kit", "offsite", "-o", existing);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("do not overwrite", await File.ReadAllTextAsync(existing));
    }

    [Fact]
    public async Task A_profile_in_use_cannot_be_deleted()
    {
        await _a.OkAsync("init");
        await _a.OkAsync("profiles", "create", "--name", "offsite");
        await _a.OkAsync("adapters", "add", "--kind", "database", "--type", "sqlite", "--name", "app", "--config", "path=/srv/app.db");
        await _a.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", "path=/backups");
        await _a.OkAsync("jobs", "add", "--name", "nightly", "--schedule", "@daily", "--source", "app", "--destination", "disk", "--profile", "offsite");
        var before = _a.Dump();

        var result = await _a.RunAsync("profiles", "delete", "offsite");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nightly", result.Err, StringComparison.Ordinal);
        Assert.Equal(before, _a.Dump());
    }

    /// <summary>Issue 9.12 through the CLI: the refusal names the backups in the destination that only this key opens.</summary>
    [Fact]
    public async Task Deleting_a_profile_whose_key_was_never_saved_needs_force_and_names_its_backups()
    {
        await _a.OkAsync("init");
        await _a.OkAsync("profiles", "create", "--name", "offsite");
        await _a.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={Path.Combine(_a.WorkingDirectory, "b")}");
        await _a.OkAsync("settings", "set", "config.backup.storageId", "disk");
        var backup = JsonNode.Parse((await _a.OkAsync("export", "--storage", "disk", "--profile", "offsite", "--json")).Out)!["file"]!.GetValue<string>().Split(':')[1];
        var before = _a.Dump();

        var refused = await _a.RunAsync("profiles", "delete", "offsite");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("was never saved", refused.Err, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(backup), refused.Err, StringComparison.Ordinal);
        Assert.Contains("hint: `metabackup profiles recovery-kit offsite -o FILE` saves it; --force deletes anyway.", refused.Err, StringComparison.Ordinal);
        Assert.Equal(before, _a.Dump());
        await _a.OkAsync("profiles", "delete", "offsite", "--force");
        Assert.Contains("forced, its key was never saved", _a.Dump(), StringComparison.Ordinal);
    }
}
