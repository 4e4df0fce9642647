using Cronos;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Jobs;

/// <summary>A destination as the operator names it: an adapter reference and how many backups to keep.</summary>
public sealed record DestinationInput(string Adapter, int Retention);

/// <summary>A notification as the operator names it: an adapter reference and when to notify.</summary>
public sealed record NotificationInput(string Adapter, string On);

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

/// <summary>Backup jobs. Every reference is checked: the source is a database adapter, destinations are storage, notifications are notification adapters, the profile exists.</summary>
public sealed class JobsService(ConfigurationSession session)
{
    public static readonly IReadOnlyList<string> Compressions = ["none", "gzip", "brotli"];
    public static readonly IReadOnlyList<string> NotifyOn = ["failure", "success", "always"];

    private readonly AdaptersService _adapters = new(session);

    private ConfigurationDbContext Db => session.Db;

    public Task<Job> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.Jobs.FindAsync(reference, j => j.Name == reference, cancellationToken);

    public Task<List<Job>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.Jobs.AsNoTracking().OrderBy(j => j.Name).ToListAsync(cancellationToken);

    public async Task<Job> AddAsync(JobInput input, CancellationToken cancellationToken = default)
    {
        var name = Check.Name(input.Name, "name");
        await Db.Jobs.EnsureUniqueAsync(j => j.Name == name, name, null, cancellationToken);
        if (input.Source is null)
        {
            throw new InvalidInputException("A job needs a source database adapter.", "Name it with --source ADAPTER.");
        }

        if (input.Destinations is not { Count: > 0 })
        {
            throw new InvalidInputException("A job needs at least one destination.", "Name a storage adapter with --destination ADAPTER[=KEEP].");
        }

        var job = new Job
        {
            Name = name,
            Schedule = ValidSchedule(input.Schedule ?? throw new InvalidInputException("A job needs a schedule.", "Give a cron expression with --schedule, e.g. \"0 3 * * *\".")),
            SourceAdapterId = string.Empty,
        };
        await ApplyAsync(job, input, cancellationToken);
        Db.Jobs.Add(job);
        await Db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<Job> UpdateAsync(string reference, JobInput input, CancellationToken cancellationToken = default)
    {
        var job = await FindAsync(reference, cancellationToken);
        if (input.Name is not null)
        {
            var name = Check.Name(input.Name, "name");
            await Db.Jobs.EnsureUniqueAsync(j => j.Name == name, name, job.Id, cancellationToken);
            job.Name = name;
        }

        if (input.Schedule is not null)
        {
            job.Schedule = ValidSchedule(input.Schedule);
        }

        if (input.Destinations is { Count: 0 })
        {
            throw new InvalidInputException("A job needs at least one destination.");
        }

        await ApplyAsync(job, input, cancellationToken);
        await Db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        Db.Jobs.Remove(await FindAsync(reference, cancellationToken));
        await Db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Parses a five-field cron expression (or a macro such as <c>@daily</c>) and returns it normalised.</summary>
    public static string ValidSchedule(string schedule)
    {
        var trimmed = schedule.Trim();
        try
        {
            CronExpression.Parse(trimmed, CronFormat.Standard);
            return trimmed;
        }
        catch (CronFormatException e)
        {
            throw new InvalidInputException(
                $"The schedule '{trimmed}' is not a valid cron expression: {e.Message.Replace("'\0'", "the end", StringComparison.Ordinal)}",
                "Use five fields — minute hour day-of-month month day-of-week — e.g. \"0 3 * * *\" for 03:00 daily, or a macro such as @daily.");
        }
    }

    private async Task ApplyAsync(Job job, JobInput input, CancellationToken cancellationToken)
    {
        if (input.Source is not null)
        {
            job.SourceAdapterId = (await _adapters.FindOfKindAsync(input.Source, AdapterKind.Database, "The job's source", cancellationToken)).Id;
        }

        if (input.Destinations is not null)
        {
            var destinations = new List<JobDestination>();
            foreach (var destination in input.Destinations)
            {
                var adapter = await _adapters.FindOfKindAsync(destination.Adapter, AdapterKind.Storage, "A job's destination", cancellationToken);
                if (destinations.Any(d => d.AdapterId == adapter.Id))
                {
                    throw new InvalidInputException($"Destination '{adapter.Name}' is named twice.");
                }

                destinations.Add(new JobDestination { AdapterId = adapter.Id, Retention = Check.Positive(destination.Retention, $"retention of destination '{adapter.Name}'") });
            }

            job.Destinations = destinations;
        }

        if (input.Notifications is not null)
        {
            var notifications = new List<JobNotification>();
            foreach (var notification in input.Notifications)
            {
                var adapter = await _adapters.FindOfKindAsync(notification.Adapter, AdapterKind.Notification, "A job's notification", cancellationToken);
                notifications.Add(new JobNotification { AdapterId = adapter.Id, On = OneOf(notification.On, NotifyOn, "notification event") });
            }

            job.Notifications = notifications;
        }

        if (input.EncryptionProfile is not null)
        {
            job.EncryptionProfileId = input.EncryptionProfile.Length == 0 ? null : await ResolveProfileAsync(input.EncryptionProfile, cancellationToken);
        }

        if (input.Compression is not null)
        {
            job.Compression = OneOf(input.Compression, Compressions, "compression");
        }

        if (input.Enabled is { } enabled)
        {
            job.Enabled = enabled;
        }
    }

    private async Task<string> ResolveProfileAsync(string reference, CancellationToken cancellationToken)
    {
        var profile = await Db.EncryptionProfiles.FirstOrDefaultAsync(p => p.Id == reference || p.Name == reference, cancellationToken)
            ?? throw new ReferenceException(
                $"Encryption profile '{reference}' does not exist.",
                "Create one with `metabackup profiles create --name NAME`, or list them with `metabackup profiles list`.");
        return profile.Id;
    }

    private static string OneOf(string value, IReadOnlyList<string> allowed, string field) =>
        allowed.Contains(value) ? value : throw new InvalidInputException($"Unknown {field} '{value}'.", $"Choose one of: {string.Join(", ", allowed)}.");
}
