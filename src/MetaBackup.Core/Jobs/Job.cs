using System.Text.Json.Serialization;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Jobs;

/// <summary>A scheduled database backup: what to back up, where to, and with which key. Natural key: <see cref="Name"/>.</summary>
public sealed class Job : ConfigRecord
{
    public required string Name { get; set; }

    /// <summary>A five-field cron expression (or a macro such as <c>@daily</c>), in <c>system.timezone</c>.</summary>
    public required string Schedule { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The database adapter to back up.</summary>
    public required string SourceAdapterId { get; set; }

    /// <summary>The Encryption Profile the backups are encrypted with; null for unencrypted backups.</summary>
    public string? EncryptionProfileId { get; set; }

    public string Compression { get; set; } = "gzip";

    public PositionedList<JobDestination> Destinations { get; set; } = [];

    public PositionedList<JobNotification> Notifications { get; set; } = [];

    /// <summary>The compressions a job can use: those of the backup file format.</summary>
    public static readonly IReadOnlyList<string> Compressions = [.. Enum.GetValues<Format.BackupCompression>().Select(Format.Compressions.Name)];

    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        Schedule = Check.Cron(Schedule, "schedule");
        Compression = Check.OneOf(Compression, Compressions, "compression");
        if (Destinations.Count == 0)
        {
            throw new InvalidInputException("A job needs at least one destination.", "Name a storage adapter to write to.", new Dictionary<string, string> { ["field"] = "destinations" });
        }

        if (Destinations.GroupBy(d => d.AdapterId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidInputException($"A job writes to each destination once; adapter {twice.Key} is listed {twice.Count()} times.");
        }

        foreach (var destination in Destinations)
        {
            Check.Positive(destination.Retention, $"retention of destination {destination.AdapterId}");
        }

        foreach (var notification in Notifications)
        {
            notification.On = Check.OneOf(notification.On, JobNotification.Events, "notification event");
        }

        // Each list's order is kept by the database as each item's position (docs/database.md, "Lists").
        Destinations.NumberPositions();
        Notifications.NumberPositions();
    }
}

/// <summary>A storage adapter a job writes to, with how many backups to keep there.</summary>
public sealed class JobDestination : IPositioned
{
    public required string AdapterId { get; set; }

    /// <summary>Keep the newest N backups in this destination.</summary>
    public int Retention { get; set; } = 7;

    /// <summary>
    /// Its place in the job's list, and with the job's id its key in the database (docs/database.md, "Lists"): a list
    /// comes back in the order it was given on either database, however its rows were written or are read
    /// (<see cref="PositionedList{T}"/>). Not part of the record's JSON — the list's order is.
    /// </summary>
    [JsonIgnore]
    public int Position { get; set; }
}

/// <summary>A notification adapter told about a job's runs.</summary>
public sealed class JobNotification : IPositioned
{
    public required string AdapterId { get; set; }

    public static readonly IReadOnlyList<string> Events = ["failure", "success", "always"];

    /// <summary><c>failure</c>, <c>success</c> or <c>always</c>.</summary>
    public string On { get; set; } = "failure";

    /// <summary>Its place in the job's list (see <see cref="JobDestination.Position"/>).</summary>
    [JsonIgnore]
    public int Position { get; set; }
}
