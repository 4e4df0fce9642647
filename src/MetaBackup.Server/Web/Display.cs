using System.Globalization;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Vault;

namespace MetaBackup.Server.Web;

/// <summary>How pages write sizes, times and durations: one way everywhere.</summary>
public static class Display
{
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };

    /// <summary>A moment in UTC, to the second; with <paramref name="zone"/>, in that zone with its offset.</summary>
    public static string When(DateTimeOffset? at, TimeZoneInfo? zone = null) => at switch
    {
        null => "—",
        { } t when zone is not null => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + $" ({zone.Id})",
        { } t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC",
    };

    public static string Duration(TaskRun run) => run.EndedAt is { } ended
        ? (ended - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : "—";

    public static string Status(RunStatus status) => WireName.Of(status);

    /// <summary>What importing a key did, in words (the API and the CLI's --json give <see cref="WireName"/>s).</summary>
    public static string Outcome(KeyImportOutcome outcome) => outcome switch
    {
        KeyImportOutcome.Created => "added as a new profile",
        KeyImportOutcome.Unlocked => "unlocked its profile",
        KeyImportOutcome.AlreadyPresent => "already in the vault, nothing changed",
        _ => WireName.Of(outcome),
    };
}
