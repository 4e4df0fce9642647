using System.Globalization;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Server.Hosting;

/// <summary>
/// For tests only (docs/development.md, "A clock for tests of schedules"): a clock that runs <c>rate</c> times faster
/// than real time from a real instant <c>origin</c>, set by <see cref="Variable"/> as <c>6x from 2026-12-03T15:00:00Z</c>.
/// Every process given the same value reads the same time, so several instances' schedulers see each occurrence come due
/// together — ten occurrences of a schedule due every minute take a hundred seconds. Schedules, run records and import
/// sessions follow it; run leases do not: they are judged by the database's clock.
/// </summary>
public sealed class ScaledClock : TimeProvider
{
    public const string Variable = "METABACKUP_TEST_CLOCK";

    private readonly DateTimeOffset _origin;
    private readonly double _rate;

    private ScaledClock(DateTimeOffset origin, double rate)
    {
        _origin = origin;
        _rate = rate;
    }

    public override string ToString() => $"{_rate.ToString(CultureInfo.InvariantCulture)}× real time from {_origin:O}";

    /// <summary>The clock <paramref name="text"/> describes, or null when it is unset.</summary>
    public static ScaledClock? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split("x from ", 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 1 and <= 3600
            && DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var origin)
            ? new ScaledClock(origin, rate)
            : throw new InvalidInputException($"{Variable} is '{text}', which is not 'RATEx from TIME'.", "It is for tests only: unset it, or give e.g. '6x from 2026-12-03T15:00:00Z'.");
    }

    public override DateTimeOffset GetUtcNow() => _origin + ((System.GetUtcNow() - _origin) * _rate);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / _rate;

    private sealed class ScaledTimer(ITimer inner, ScaledClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
