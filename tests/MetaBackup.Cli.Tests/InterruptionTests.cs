using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Processes killed (SIGKILL) or stopped (SIGTERM, Ctrl+C) at any moment: what is left behind is either
/// nothing or a working configuration, never something a later command trips over or waits on forever.
/// The kill of an import while it applies is in <see cref="ImportCommandTests"/>.
/// </summary>
public sealed class InterruptionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Issue 8.2: `init` killed during its first migration left a migration lock, and the next `init` hung
    /// forever. Kills land at moments spread over the process's life (start-up, key, migration, rename).
    /// </summary>
    [Theory]
    [InlineData(250)]
    [InlineData(400)]
    [InlineData(550)]
    [InlineData(700)]
    [InlineData(850)]
    [InlineData(1000)]
    [InlineData(1300)]
    public async Task An_init_killed_at_any_moment_leaves_nothing_or_a_working_configuration_and_the_next_init_completes(int killAfterMilliseconds)
    {
        using var cli = new CliRunner();
        using (var process = CliProcess.Start(cli.DataDirectory, cli.Environment, cli.WorkingDirectory, "init"))
        {
            await Task.Delay(killAfterMilliseconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var afterKill = await cli.RunAsync("groups", "list");
        if (File.Exists(cli.DatabasePath))
        {
            Assert.True(afterKill.ExitCode == 0, $"a database was left that does not work:\n{afterKill}");
        }
        else
        {
            Assert.Equal(1, afterKill.ExitCode);
            Assert.Contains("metabackup init", afterKill.Err, StringComparison.Ordinal);
        }

        var again = await cli.RunAsync("init").WaitAsync(Patience);
        Assert.True(again.ExitCode == 0, again.ToString());
        await cli.OkAsync("groups", "add", "--name", "after-the-kill");
        Assert.Empty(Directory.GetFiles(cli.DataDirectory, "metabackup.db.init-*"));
    }
}
