namespace MetaBackup.Core.Persistence;

/// <summary>
/// A time as the configuration database keeps it (docs/database.md, "Times"): UTC, to the microsecond — PostgreSQL's
/// precision, which SQLite's text can hold too. Every time MetaBackup stores is made so before it is stored, so that what
/// is read back, exported, or compared as a record's version is exactly what was written, on either database.
/// </summary>
public static class StoredTime
{
    public static DateTimeOffset Of(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>The clock sessions stamp times with: <paramref name="clock"/>, read to the microsecond in UTC.</summary>
    public static TimeProvider Clock(TimeProvider clock) => clock as StoredTimeClock ?? new StoredTimeClock(clock);

    private sealed class StoredTimeClock(TimeProvider inner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Of(inner.GetUtcNow());

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
