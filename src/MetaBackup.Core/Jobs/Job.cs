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

        // Indexed loops over the few items, no query and no message made unless one is needed: an import normalises every
        // job it reads (docs/performance.md, "Import").
        if (FirstListedTwice() is { } twice)
        {
            throw new InvalidInputException($"A job writes to each destination once; adapter {twice} is listed {Destinations.Count(d => d.AdapterId == twice)} times.");
        }

        for (var i = 0; i < Destinations.Count; i++)
        {
            Check.Positive(Destinations[i].Retention, "retention of destination", Destinations[i].AdapterId);
        }

        for (var i = 0; i < Notifications.Count; i++)
        {
            Notifications[i].On = Check.OneOf(Notifications[i].On, JobNotification.Events, "notification event");
        }

        // Each list's order is kept by the database as each item's position (docs/database.md, "Lists").
        Destinations.NumberPositions();
        Notifications.NumberPositions();
    }

    /// <summary>The first adapter, in the list's order, that more than one destination names; null when each is named once.</summary>
    private string? FirstListedTwice()
    {
        for (var i = 0; i < Destinations.Count; i++)
        {
            for (var j = i + 1; j < Destinations.Count; j++)
            {
                if (Destinations[j].AdapterId == Destinations[i].AdapterId)
                {
                    return Destinations[i].AdapterId;
                }
            }
        }

        return null;
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
