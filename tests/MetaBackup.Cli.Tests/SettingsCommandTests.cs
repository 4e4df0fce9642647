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
}
