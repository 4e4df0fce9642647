using MetaBackup.Core.Access;
using MetaBackup.Core.Auditing;
using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Application;

/// <summary>The audit log, newest first, filtered by actor, action (a prefix such as <c>profile.</c>) and time.</summary>
public sealed record ListAuditEvents(string? Actor = null, string? Action = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100) : Operation<IReadOnlyList<AuditEvent>>
{
    public override string Permission => Permissions.AuditRead;

    internal override async Task<IReadOnlyList<AuditEvent>> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        IQueryable<AuditEvent> events = context.Session.Db.AuditEvents.AsNoTracking();
        if (Actor is { Length: > 0 } actor)
        {
            events = events.Where(e => e.Actor == actor);
        }

        if (Action is { Length: > 0 } action)
        {
            events = events.Where(e => e.Action.StartsWith(action));
        }

        // Times are compared in memory: SQLite keeps them as text, whose order is not time's across offsets.
        var candidates = await events.OrderByDescending(e => e.Id).ToListAsync(cancellationToken);
        return candidates
            .Where(e => (Since is not { } since || e.At >= since) && (Until is not { } until || e.At <= until))
            .Take(Check.Positive(Limit, "limit"))
            .ToList();
    }
}
