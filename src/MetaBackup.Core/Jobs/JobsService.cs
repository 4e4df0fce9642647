using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Jobs;

/// <summary>A destination as the operator names it: an adapter reference and how many backups to keep.</summary>
public sealed record DestinationInput(string Adapter, int Retention = DestinationInput.DefaultRetention)
{
    /// <summary>How many backups a destination keeps when the operator does not say.</summary>
    public const int DefaultRetention = 7;
}

/// <summary>A notification as the operator names it: an adapter reference and when to notify.</summary>
public sealed record NotificationInput(string Adapter, string On = NotificationInput.DefaultEvent)
{
    /// <summary>When a notification is sent when the operator does not say.</summary>
    public const string DefaultEvent = "failure";
}

/// <summary>The fields of a job; null leaves a field as it is on update. <see cref="EncryptionProfile"/> "" means no encryption.</summary>
public sealed record JobInput(
    string? Name = null,
    string? Schedule = null,
    string? Source = null,
    IReadOnlyList<DestinationInput>? Destinations = null,
    string? EncryptionProfile = null,
    string? Compression = null,
    IReadOnlyList<NotificationInput>? Notifications = null,
    bool? Enabled = null);

/// <summary>
/// Backup jobs. Every reference is resolved and checked: the source is a database adapter, destinations
/// are storage, notifications are notification adapters, the profile exists. The job's own fields are
/// checked by <see cref="Job.Normalize"/>, as for an imported job.
/// </summary>
public sealed class JobsService(ConfigurationSession session)
{
    private readonly AdaptersService _adapters = new(session);

    private ConfigurationDbContext Db => session.Db;

    public Task<Job> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.Jobs.FindAsync(reference, j => j.Name == reference, cancellationToken);

    public Task<List<Job>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.Jobs.AsNoTracking().OrderBy(j => j.Name).ToListAsync(cancellationToken);

    public async Task<Job> AddAsync(JobInput input, CancellationToken cancellationToken = default)
    {
        if (input.Source is null)
        {
            throw new InvalidInputException("A job needs a source database adapter.", "Name the database adapter to back up.", new Dictionary<string, string> { ["field"] = "source" });
        }

        var job = new Job
        {
            Name = input.Name!,
            Schedule = input.Schedule ?? throw new InvalidInputException("A job needs a schedule.", "Give a cron expression, e.g. \"0 3 * * *\".", new Dictionary<string, string> { ["field"] = "schedule" }),
            SourceAdapterId = string.Empty,
        };
        await ApplyAsync(job, input, cancellationToken);
        job.Normalize();
        await Db.Jobs.EnsureUniqueAsync(j => j.Name == job.Name, job.Name, null, cancellationToken);
        Db.Jobs.Add(job);
        await Db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<Job> UpdateAsync(string reference, JobInput input, CancellationToken cancellationToken = default)
    {
        var job = await FindAsync(reference, cancellationToken);
        job.Name = input.Name ?? job.Name;
        job.Schedule = input.Schedule ?? job.Schedule;
        await ApplyAsync(job, input, cancellationToken);
        job.Normalize();
        await Db.Jobs.EnsureUniqueAsync(j => j.Name == job.Name, job.Name, job.Id, cancellationToken);
        await Db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        Db.Jobs.Remove(await FindAsync(reference, cancellationToken));
        await Db.SaveChangesAsync(cancellationToken);
    }

    private async Task ApplyAsync(Job job, JobInput input, CancellationToken cancellationToken)
    {
        if (input.Source is not null)
        {
            job.SourceAdapterId = (await _adapters.FindOfKindAsync(input.Source, AdapterKind.Database, "The job's source", cancellationToken)).Id;
        }

        if (input.Destinations is not null)
        {
            var destinations = new PositionedList<JobDestination>();
            foreach (var destination in input.Destinations)
            {
                var adapter = await _adapters.FindOfKindAsync(destination.Adapter, AdapterKind.Storage, "A job's destination", cancellationToken);
                destinations.Add(new JobDestination { AdapterId = adapter.Id, Retention = destination.Retention });
            }

            job.Destinations = destinations;
        }

        if (input.Notifications is not null)
        {
            var notifications = new PositionedList<JobNotification>();
            foreach (var notification in input.Notifications)
            {
                var adapter = await _adapters.FindOfKindAsync(notification.Adapter, AdapterKind.Notification, "A job's notification", cancellationToken);
                notifications.Add(new JobNotification { AdapterId = adapter.Id, On = notification.On });
            }

            job.Notifications = notifications;
        }

        if (input.EncryptionProfile is not null)
        {
            job.EncryptionProfileId = input.EncryptionProfile.Length == 0 ? null : await ResolveProfileAsync(input.EncryptionProfile, cancellationToken);
        }

        job.Compression = input.Compression ?? job.Compression;
        job.Enabled = input.Enabled ?? job.Enabled;
    }

    private async Task<string> ResolveProfileAsync(string reference, CancellationToken cancellationToken)
    {
        var profile = await Db.EncryptionProfiles.FirstOrDefaultAsync(p => p.Id == reference || p.Name == reference, cancellationToken)
            ?? throw new ReferenceException(
                $"Encryption profile '{reference}' does not exist.",
                "Create the profile first, or choose one that exists.",
                ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.EncryptionProfiles.Name, ["reference"] = reference });
        return profile.Id;
    }
}
