using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Jobs;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Application;

/// <summary>A job with the names of what it uses (<c>database/prod</c>, a profile's name), for people; the ids stay in <see cref="Job"/>.</summary>
public sealed record JobView(Job Job, IReadOnlyDictionary<string, string> AdapterNames, string? ProfileName)
{
    public string NameOf(string adapterId) => AdapterNames.GetValueOrDefault(adapterId, adapterId);

    internal static async Task<IReadOnlyList<JobView>> OfAsync(Persistence.ConfigurationSession session, IReadOnlyList<Job> jobs, CancellationToken cancellationToken)
    {
        var adapters = await session.Db.Adapters.AsNoTracking().ToDictionaryAsync(a => a.Id, a => $"{Kinds.Name(a.Kind)}/{a.Name}", cancellationToken);
        var profiles = await session.Db.EncryptionProfiles.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return jobs.Select(j => new JobView(j, adapters, j.EncryptionProfileId is { } id ? profiles.GetValueOrDefault(id, id) : null)).ToList();
    }
}

public sealed record AddJob(JobInput Input) : Operation<JobView>
{
    public override string Permission => Permissions.JobsWrite;

    public override AuditEntry Audit => new("jobs.add", Input.Name ?? "");

    internal override async Task<JobView> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        (await JobView.OfAsync(context.Session, [await new JobsService(context.Session).AddAsync(Input, cancellationToken)], cancellationToken))[0];
}

public sealed record ListJobs : Operation<IReadOnlyList<JobView>>
{
    public override string Permission => Permissions.JobsRead;

    internal override async Task<IReadOnlyList<JobView>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await JobView.OfAsync(context.Session, await new JobsService(context.Session).ListAsync(cancellationToken), cancellationToken);
}

public sealed record ShowJob(string Reference) : Operation<JobView>
{
    public override string Permission => Permissions.JobsRead;

    internal override async Task<JobView> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        (await JobView.OfAsync(context.Session, [await new JobsService(context.Session).FindAsync(Reference, cancellationToken)], cancellationToken))[0];
}

public sealed record UpdateJob(string Reference, JobInput Input, DateTimeOffset? IfVersion = null) : Operation<JobView>
{
    public override string Permission => Permissions.JobsWrite;

    public override AuditEntry Audit => new("jobs.update", Reference);

    internal override async Task<JobView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var jobs = new JobsService(context.Session);
        RecordVersions.Expect(context.Session, await jobs.FindAsync(Reference, cancellationToken), IfVersion);
        return (await JobView.OfAsync(context.Session, [await jobs.UpdateAsync(Reference, Input, cancellationToken)], cancellationToken))[0];
    }
}

public sealed record RemoveJob(string Reference, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.JobsWrite;

    public override AuditEntry Audit => new("jobs.remove", Reference);

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var jobs = new JobsService(context.Session);
        RecordVersions.Expect(context.Session, await jobs.FindAsync(Reference, cancellationToken), IfVersion);
        await jobs.RemoveAsync(Reference, cancellationToken);
        return Done.Value;
    }
}
