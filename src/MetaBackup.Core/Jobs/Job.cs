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

    /// <summary><c>failure</c>, <c>success</c> or <c>always</c>.</summary>
    public string On { get; set; } = "failure";
}
