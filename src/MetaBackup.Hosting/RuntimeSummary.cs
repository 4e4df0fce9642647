using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace MetaBackup.Hosting;

/// <summary>
/// The runtime settings that weigh on an import's or an export's speed, as the server and each CLI command log them when
/// they start: the first thing to read when a run is slower than docs/performance.md says ("Runtime settings"). The
/// launcher (<c>./metabackup</c>) sets some of them, unless the operator did.
/// </summary>
public static class RuntimeSummary
{
    /// <summary>How long the runtime waits, in ms, with no new method compiled, before it counts calls (the runtime's own when not set).</summary>
    private const string CallCountingDelayVariable = "DOTNET_TC_CallCountingDelayMs";

    /// <summary>After how many calls the runtime optimises a method (the runtime's own, 30, when not set).</summary>
    private const string CallCountThresholdVariable = "DOTNET_TC_CallCountThreshold";

    public static string Describe()
    {
        var gc = GC.GetConfigurationVariables();
        var collector = $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC";
        // The first generation's budget: the launcher sets it (DOTNET_GCgen0size) unless the operator did.
        var firstGeneration = gc.TryGetValue("GCGen0MaxBudget", out var budget)
            ? $", first-generation budget up to {Convert.ToInt64(budget, CultureInfo.InvariantCulture) / (1024 * 1024)} MiB"
            : "";
        return $"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} processors, {collector}{firstGeneration}, {Tiering()}";
    }

    /// <summary>
    /// When hot methods are optimised. The runtime reads these settings from the environment only and reports them
    /// nowhere, so they are described as the environment gives them — read as the runtime reads them, in hexadecimal.
    /// </summary>
    private static string Tiering()
    {
        var delay = Hexadecimal(CallCountingDelayVariable);
        var threshold = Hexadecimal(CallCountThresholdVariable);
        var counting = delay switch
        {
            null => "calls counted once start-up settles",
            0 => "calls counted from the first",
            _ => $"calls counted after {delay} ms without a new method",
        };
        return $"{counting}, a method optimised after {(threshold is { } calls ? calls.ToString(CultureInfo.InvariantCulture) : "the runtime's own number of")} calls";
    }

    private static long? Hexadecimal(string variable)
    {
        var text = Environment.GetEnvironmentVariable(variable)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
