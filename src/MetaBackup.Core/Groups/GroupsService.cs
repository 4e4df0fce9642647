using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Groups;

/// <summary>RBAC groups. A group still used by a user or an SSO provider cannot be removed.</summary>
public sealed class GroupsService(ConfigurationSession session)
{
    private ConfigurationDbContext Db => session.Db;

    public Task<Group> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.Groups.FindAsync(reference, g => g.Name == reference, cancellationToken);

    public Task<List<Group>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);

    public async Task<Group> AddAsync(string name, string? description, IEnumerable<string> permissions, CancellationToken cancellationToken = default)
    {
        var group = new Group { Name = name, Description = description, Permissions = [.. permissions] };
        group.Normalize();
        await Db.Groups.EnsureUniqueAsync(g => g.Name == group.Name, group.Name, null, cancellationToken);
        Db.Groups.Add(group);
        await Db.SaveChangesAsync(cancellationToken);
        return group;
    }

    public async Task<Group> UpdateAsync(string reference, string? name, string? description, IEnumerable<string>? permissions, CancellationToken cancellationToken = default)
    {
        var group = await FindAsync(reference, cancellationToken);
        group.Name = name ?? group.Name;
        group.Description = description ?? group.Description;
        group.Permissions = permissions is null ? group.Permissions : [.. permissions];
        group.Normalize();
        await Db.Groups.EnsureUniqueAsync(g => g.Name == group.Name, group.Name, group.Id, cancellationToken);

        await Db.SaveChangesAsync(cancellationToken);
        return group;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        var group = await FindAsync(reference, cancellationToken);
        var users = await Db.Users.Where(u => u.GroupId == group.Id).Select(u => u.Email).ToListAsync(cancellationToken);
        var providers = await Db.SsoProviders.Where(p => p.DefaultGroupId == group.Id).Select(p => p.ProviderId).ToListAsync(cancellationToken);
        if (users.Count + providers.Count > 0)
        {
            var uses = users.Select(u => $"user {u}").Concat(providers.Select(p => $"SSO provider {p}"));
            throw new ReferenceException(
                $"Group '{group.Name}' is still used by {string.Join(", ", uses)}.",
                "Move them to another group first.");
        }

        Db.Groups.Remove(group);
        await Db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Resolves an optional group reference to its id; null or "" means none.</summary>
    public async Task<string?> ResolveAsync(string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var group = await Db.Groups.FirstOrDefaultAsync(g => g.Id == reference || g.Name == reference, cancellationToken)
            ?? throw new ReferenceException($"Group '{reference}' does not exist.", "Create the group first, or choose one that exists.", ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.Groups.Name, ["reference"] = reference });
        return group.Id;
    }
}
