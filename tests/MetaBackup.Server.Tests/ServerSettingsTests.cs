using MetaBackup.Core.Configuration;

namespace MetaBackup.Server.Tests;

/// <summary>How environment variables set a server up (docs/api.md, "Running the server").</summary>
public sealed class ServerSettingsTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData("OFF", false)]
    [InlineData("false", false)]
    public void METABACKUP_SCHEDULER_turns_the_scheduler_on_or_off(string? value, bool runs)
    {
        var settings = Settings(ServerSettings.SchedulerVariable, value);

        Assert.Equal(runs, settings.RunScheduler);
    }

    [Fact]
    public void A_scheduler_switch_that_is_neither_on_nor_off_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidInputException>(() => Settings(ServerSettings.SchedulerVariable, "sometimes"));

        Assert.Contains("METABACKUP_SCHEDULER is 'sometimes'", error.Message, StringComparison.Ordinal);
    }

    private static ServerSettings Settings(string variable, string? value) =>
        new(new DataDirectory("/nonexistent"), name => name == variable ? value : null);
}
