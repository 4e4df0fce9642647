using System.Globalization;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Scheduling;

/// <summary>
/// This instance as it claims runs (docs/database.md, "Several instances"): the name its runs are recorded under, and
/// how long a claim holds without being renewed — the lease. A run is renewed every quarter of the lease while its
/// instance lives (<see cref="RunLease"/>); an instance that dies leaves its run to be closed as interrupted once the
/// lease has run out by the database's clock. <see cref="LeaseVariable"/> sets the lease in seconds.
/// </summary>
public sealed record RunClaimant(string Name, TimeSpan Lease)
{
    public const string LeaseVariable = "METABACKUP_RUN_LEASE";

    /// <summary>Long enough for three renewals to be missed (a busy database, a pause) before another instance may take over.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ShortestLease = TimeSpan.FromSeconds(2);

    /// <summary>How often a held run's lease is renewed.</summary>
    public TimeSpan Heartbeat => Lease / 4;

    /// <summary>
    /// A claimant for this process: host and process id, for people reading the runs, and a random token, so that two
    /// instances in one process (tests) or two containers with the same host name and process id never share a name.
    /// </summary>
    public static RunClaimant ForThisInstance(Func<string, string?> environment) =>
        new($"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}:{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}",
            ParseLease(environment(LeaseVariable)));

    private static TimeSpan ParseLease(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultLease;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && TimeSpan.FromSeconds(seconds) >= ShortestLease
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidInputException(
                $"{LeaseVariable} is '{text}', which is not a whole number of seconds of at least {ShortestLease.TotalSeconds}.",
                $"Set it to the seconds a run's claim holds without renewal (default {DefaultLease.TotalSeconds}), or unset it.");
    }
}
