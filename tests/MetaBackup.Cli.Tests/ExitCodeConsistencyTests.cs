using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Issue 9.9: one cause, one exit code, whichever command meets it (docs/exit-codes.md): a backup file
/// refused (wrong key, damaged) is 3 in recover, validate and import alike; a named input that does not
/// exist (a backup, a kit, a secret file, a variable) is 1; only a command line that does not parse is 2.
/// </summary>
public sealed class ExitCodeConsistencyTests : IDisposable
{
    private readonly CliRunner _a = new();
    private readonly CliRunner _b = new();

    public ExitCodeConsistencyTests()
    {
        _a.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        _b.Environment["ENCRYPTION_KEY"] = TestKeys.B;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task Every_command_gives_the_same_exit_code_for_the_same_cause()
    {
        await _a.OkAsync("init");
        await _a.OkAsync("profiles", "create", "--name", "offsite");
        var backup = JsonNode.Parse((await _a.OkAsync("export", "--profile", "offsite", "-o", _a.WorkingDirectory + "/", "--json")).Out)!["file"]!.GetValue<string>();
        await _b.OkAsync("init");
        var wrongKey = _b.WriteFile("wrong.hex", TestKeys.C);
        var missing = Path.Combine(_b.WorkingDirectory, "missing");

        var wrongKeyCodes = new[]
        {
            await _b.RunAsync("recover", backup, "--key-file", wrongKey, "-o", Path.Combine(_b.WorkingDirectory, "out.json")),
            await _b.RunAsync("validate", backup, "--key-file", wrongKey),
            await _b.RunAsync("import", backup, "--key-file", wrongKey, "--mode", "merge"),
        };
        var missingCodes = new[]
        {
            await _b.RunAsync("recover", missing, "--key-file", wrongKey, "-o", Path.Combine(_b.WorkingDirectory, "out.json")),
            await _b.RunAsync("validate", missing),
            await _b.RunAsync("import", backup, "--kit", missing, "--mode", "merge"),
            await _b.RunAsync("credentials", "add", "--name", "db", "--secret", $"password=file:{missing}"),
            await _b.RunAsync("credentials", "add", "--name", "db", "--secret", "password=env:NO_SUCH_VARIABLE"),
        };

        Assert.All(wrongKeyCodes, result => Assert.True(result.ExitCode == 3, result.ToString()));
        Assert.All(missingCodes, result => Assert.True(result.ExitCode == 1, result.ToString()));
        Assert.Equal(2, (await _b.RunAsync("credentials", "add", "--name", "db", "--secret", "password")).ExitCode);
    }

    /// <summary>Issue 9.9: a missing key names the profile as well as its fingerprint — from the vault, or from the sidecar beside a backup in a destination.</summary>
    [Fact]
    public async Task A_backup_whose_key_this_server_lacks_is_refused_naming_its_profile_from_the_sidecar()
    {
        var destination = Path.Combine(_a.WorkingDirectory, "shared");
        await _a.OkAsync("init");
        await _a.OkAsync("profiles", "create", "--name", "offsite");
        await _a.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={destination}");
        var file = Path.GetFileName(JsonNode.Parse((await _a.OkAsync("export", "--storage", "disk", "--profile", "offsite", "--json")).Out)!["file"]!.GetValue<string>().Split(':')[1]);
        var fingerprint = JsonNode.Parse((await _a.OkAsync("profiles", "show", "offsite", "--json")).Out)!["fingerprint"]!.GetValue<string>();
        await _b.OkAsync("init");
        await _b.OkAsync("adapters", "add", "--kind", "storage", "--type", "local", "--name", "disk", "--config", $"path={destination}");

        var fromStorage = await _b.RunAsync("validate", "--storage", "disk", "--file", file);
        var local = await _b.RunAsync("validate", Path.Combine(destination, file));

        foreach (var result in new[] { fromStorage, local })
        {
            Assert.Equal(3, result.ExitCode);
            Assert.Contains($"Encryption Profile 'offsite' (fingerprint {fingerprint}", result.Err, StringComparison.Ordinal);
            Assert.Contains("--kit", result.Err, StringComparison.Ordinal);
        }
    }
}
