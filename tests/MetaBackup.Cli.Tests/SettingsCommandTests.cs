using System.Text.Json.Nodes;
using MetaBackup.Core.Settings;

namespace MetaBackup.Cli.Tests;

/// <summary><c>settings list|get|set|unset</c>: the settings MetaBackup reads are visible with their defaults.</summary>
public sealed class SettingsCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_fresh_installation_lists_every_known_setting_with_its_default()
    {
        await _cli.OkAsync("init");

        var listed = JsonNode.Parse((await _cli.OkAsync("--json", "settings", "list")).Out)!.AsArray()
            .ToDictionary(s => s!["key"]!.GetValue<string>(), s => s!.AsObject());

        Assert.Equal(SettingKeys.Known.Select(k => k.Key).Order(StringComparer.Ordinal), listed.Keys);
        foreach (var known in SettingKeys.Known)
        {
            Assert.Equal(known.Default, listed[known.Key]["value"]?.GetValue<string>());
            Assert.Equal("default", listed[known.Key]["source"]!.GetValue<string>());
            Assert.Equal(known.Description, listed[known.Key]["description"]!.GetValue<string>());
        }

        Assert.Equal("0 3 * * *", (await _cli.OkAsync("settings", "get", SettingKeys.ConfigBackupSchedule)).Out.Trim());
    }

    [Fact]
    public async Task A_stored_value_replaces_the_default_until_it_is_unset()
    {
        await _cli.OkAsync("init");

        await _cli.OkAsync("settings", "set", SettingKeys.ConfigBackupRetention, "5");
        await _cli.OkAsync("settings", "set", "site.name", "lab");
        var stored = JsonNode.Parse((await _cli.OkAsync("settings", "get", SettingKeys.ConfigBackupRetention, "--json")).Out)!;
        var table = (await _cli.OkAsync("settings", "list")).Out;
        await _cli.OkAsync("settings", "unset", SettingKeys.ConfigBackupRetention);
        var afterUnset = (await _cli.OkAsync("settings", "get", SettingKeys.ConfigBackupRetention)).Out.Trim();

        Assert.Equal("5", stored["value"]!.GetValue<string>());
        Assert.Equal("stored", stored["source"]!.GetValue<string>());
        Assert.Matches(@"(?m)^config\.backup\.retention\s+5\s+stored$", table);
        Assert.Matches(@"(?m)^site\.name\s+lab\s+stored$", table);
        Assert.Matches(@"(?m)^config\.backup\.compression\s+gzip\s+default$", table);
        Assert.Equal("10", afterUnset);
    }

    [Fact]
    public async Task Getting_an_unknown_setting_that_is_not_stored_fails_and_says_how_to_see_what_exists()
    {
        await _cli.OkAsync("init");

        var result = await _cli.RunAsync("settings", "get", "no.such.setting");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no.such.setting", result.Err, StringComparison.Ordinal);
        Assert.Contains("settings list", result.Err, StringComparison.Ordinal);
    }

    /// <summary>Issue 9.7: a mistyped key in MetaBackup's own namespaces was stored, and silently never read.</summary>
    [Theory]
    [InlineData("config.bakup.schedule", "config.backup.schedule")]
    [InlineData("config.backup.retenton", "config.backup.retention")]
    [InlineData("system.timezon", "system.timezone")]
    public async Task An_unknown_key_in_metabackups_own_namespaces_is_refused_with_the_likely_key(string typed, string meant)
    {
        await _cli.OkAsync("init");
        var before = _cli.Dump();

        var result = await _cli.RunAsync("settings", "set", typed, "5");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"'{typed}' is not a setting MetaBackup knows", result.Err, StringComparison.Ordinal);
        Assert.Contains($"Did you mean '{meant}'?", result.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cli.Dump());
        await _cli.OkAsync("settings", "set", "site.name", "keys outside config. and system. are free-form");
    }

    /// <summary>Issue 9.7: enabling the schedule with no destination was accepted, and the task never ran.</summary>
    [Fact]
    public async Task Enabling_the_backup_schedule_needs_a_destination_first_and_the_destination_cannot_then_be_unset()
    {
        await _cli.OkAsync("init");

        var refused = await _cli.RunAsync("settings", "set", SettingKeys.ConfigBackupEnabled, "true");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("need a destination", refused.Err, StringComparison.Ordinal);
        Assert.Contains($"First set {SettingKeys.ConfigBackupStorageId}", refused.Err, StringComparison.Ordinal);

        await _cli.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={_cli.WorkingDirectory}");
        await _cli.OkAsync("settings", "set", SettingKeys.ConfigBackupStorageId, "disk");
        await _cli.OkAsync("settings", "set", SettingKeys.ConfigBackupEnabled, "true");
        Assert.Equal(1, (await _cli.RunAsync("settings", "unset", SettingKeys.ConfigBackupStorageId)).ExitCode);
    }
}
