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

    public List<JobDestination> Destinations { get; set; } = [];

    public List<JobNotification> Notifications { get; set; } = [];

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
    }
}

/// <summary>A storage adapter a job writes to, with how many backups to keep there.</summary>
public sealed class JobDestination
{
    public required string AdapterId { get; set; }

    /// <summary>Keep the newest N backups in this destination.</summary>
    public int Retention { get; set; } = 7;
}

/// <summary>A notification adapter told about a job's runs.</summary>
public sealed class JobNotification
{
    public required string AdapterId { get; set; }

    public static readonly IReadOnlyList<string> Events = ["failure", "success", "always"];

    /// <summary><c>failure</c>, <c>success</c> or <c>always</c>.</summary>
    public string On { get; set; } = "failure";
}
