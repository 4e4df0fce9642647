using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace MetaBackup.Server.Hosting;

/// <summary>
/// The runtime settings that weigh on an import's or an export's speed, as the server logs them when it starts: the
/// first thing to read when a run is slower than docs/performance.md says ("Runtime settings").
/// </summary>
public static class RuntimeSummary
{
    public static string Describe()
    {
        var gc = GC.GetConfigurationVariables();
        var collector = $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC";
        // The first generation's budget: the launcher sets it (DOTNET_GCgen0size) unless the operator did.
        var firstGeneration = gc.TryGetValue("GCGen0MaxBudget", out var budget)
            ? $", first-generation budget up to {Convert.ToInt64(budget, CultureInfo.InvariantCulture) / (1024 * 1024)} MiB"
            : "";
        return $"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} processors, {collector}{firstGeneration}";
    }
}
