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
        var providerId = Check.Slug(input.ProviderId, "provider id");
        await Db.SsoProviders.EnsureUniqueAsync(p => p.ProviderId == providerId, providerId, null, cancellationToken);
        var provider = new SsoProvider
        {
            ProviderId = providerId,
            Name = Check.Name(input.Name ?? providerId, "name"),
            Issuer = ValidIssuer(input.Issuer),
            ClientId = Check.Name(input.ClientId, "client id"),
            DefaultGroupId = await _groups.ResolveAsync(input.DefaultGroup, cancellationToken),
            Enabled = input.Enabled ?? true,
        };
        if (input.Scopes is not null)
        {
            provider.Scopes = ValidScopes(input.Scopes);
        }

        SetSecret(provider, clientSecret);
        Db.SsoProviders.Add(provider);
        await Db.SaveChangesAsync(cancellationToken);
        return provider;
    }

    public async Task<SsoProvider> UpdateAsync(string reference, SsoInput input, SecretText? clientSecret, CancellationToken cancellationToken = default)
    {
        var provider = await FindAsync(reference, cancellationToken);
        if (input.ProviderId is not null)
        {
            var providerId = Check.Slug(input.ProviderId, "provider id");
            await Db.SsoProviders.EnsureUniqueAsync(p => p.ProviderId == providerId, providerId, provider.Id, cancellationToken);
            provider.ProviderId = providerId;
        }

        provider.Name = input.Name is null ? provider.Name : Check.Name(input.Name, "name");
        provider.Issuer = input.Issuer is null ? provider.Issuer : ValidIssuer(input.Issuer);
        provider.ClientId = input.ClientId is null ? provider.ClientId : Check.Name(input.ClientId, "client id");
        provider.Scopes = input.Scopes is null ? provider.Scopes : ValidScopes(input.Scopes);
        provider.Enabled = input.Enabled ?? provider.Enabled;
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

    private static string ValidIssuer(string? issuer)
    {
        var trimmed = Check.Name(issuer, "issuer");
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidInputException(
                $"The issuer '{trimmed}' is not a valid OpenID Connect issuer URL.",
                "Give the provider's https:// issuer URL, e.g. https://login.example.com/realms/main.");
        }

        return trimmed;
    }

    private static List<string> ValidScopes(IReadOnlyList<string> scopes)
    {
        var list = scopes.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (!list.Contains("openid"))
        {
            throw new InvalidInputException("The scopes must include 'openid'.", "For example: openid,profile,email.");
        }

        return list;
    }
}
