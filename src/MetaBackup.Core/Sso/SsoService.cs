using MetaBackup.Core.Configuration;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Sso;

/// <summary>The fields of an SSO provider; null leaves a field as it is on update. <see cref="DefaultGroup"/> "" removes it.</summary>
public sealed record SsoInput(
    string? ProviderId = null,
    string? Name = null,
    string? Issuer = null,
    string? ClientId = null,
    IReadOnlyList<string>? Scopes = null,
    string? DefaultGroup = null,
    bool? Enabled = null);

/// <summary>OpenID Connect providers. The client secret is sealed at rest.</summary>
public sealed class SsoService(ConfigurationSession session)
{
    private readonly GroupsService _groups = new(session);

    private ConfigurationDbContext Db => session.Db;

    public Task<SsoProvider> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.SsoProviders.FindAsync(reference, p => p.ProviderId == reference, cancellationToken);

    public Task<List<SsoProvider>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.SsoProviders.AsNoTracking().OrderBy(p => p.ProviderId).ToListAsync(cancellationToken);

    public async Task<SsoProvider> AddAsync(SsoInput input, SecretText? clientSecret, CancellationToken cancellationToken = default)
    {
        var provider = new SsoProvider
        {
            ProviderId = input.ProviderId!,
            Name = input.Name ?? input.ProviderId!,
            Issuer = input.Issuer!,
            ClientId = input.ClientId!,
            DefaultGroupId = await _groups.ResolveAsync(input.DefaultGroup, cancellationToken),
            Enabled = input.Enabled ?? true,
        };
        provider.Scopes = input.Scopes is null ? provider.Scopes : [.. input.Scopes];
        provider.Normalize();
        await Db.SsoProviders.EnsureUniqueAsync(p => p.ProviderId == provider.ProviderId, provider.ProviderId, null, cancellationToken);

        SetSecret(provider, clientSecret);
        Db.SsoProviders.Add(provider);
        await Db.SaveChangesAsync(cancellationToken);
        return provider;
    }

    public async Task<SsoProvider> UpdateAsync(string reference, SsoInput input, SecretText? clientSecret, CancellationToken cancellationToken = default)
    {
        var provider = await FindAsync(reference, cancellationToken);
        provider.ProviderId = input.ProviderId ?? provider.ProviderId;
        provider.Name = input.Name ?? provider.Name;
        provider.Issuer = input.Issuer ?? provider.Issuer;
        provider.ClientId = input.ClientId ?? provider.ClientId;
        provider.Scopes = input.Scopes is null ? provider.Scopes : [.. input.Scopes];
        provider.Enabled = input.Enabled ?? provider.Enabled;
        provider.Normalize();
        await Db.SsoProviders.EnsureUniqueAsync(p => p.ProviderId == provider.ProviderId, provider.ProviderId, provider.Id, cancellationToken);
        if (input.DefaultGroup is not null)
        {
            provider.DefaultGroupId = await _groups.ResolveAsync(input.DefaultGroup, cancellationToken);
        }

        SetSecret(provider, clientSecret);
        await Db.SaveChangesAsync(cancellationToken);
        return provider;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        Db.SsoProviders.Remove(await FindAsync(reference, cancellationToken));
        await Db.SaveChangesAsync(cancellationToken);
    }

    private void SetSecret(SsoProvider provider, SecretText? clientSecret)
    {
        if (clientSecret is null)
        {
            return;
        }

        if (clientSecret.IsEmpty)
        {
            throw new InvalidInputException("The client secret is empty.");
        }

        provider.ClientSecret = session.Secrets.Seal(clientSecret);
    }
}
