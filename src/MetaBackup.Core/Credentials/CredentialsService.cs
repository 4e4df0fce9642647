using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Credentials;

/// <summary>The fields of a credential profile an operator sets; null leaves a field as it is on update.</summary>
public sealed record CredentialInput(string? Name = null, string? Description = null, string? Username = null);

/// <summary>Reusable credentials. Secrets are given by field name (<c>password</c>, <c>privateKey</c>, <c>passphrase</c>, <c>token</c>).</summary>
public sealed class CredentialsService(ConfigurationSession session)
{
    private static readonly ConfigurationArea Area = ConfigurationAreas.CredentialProfiles;

    private ConfigurationDbContext Db => session.Db;

    public Task<CredentialProfile> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.CredentialProfiles.FindAsync(reference, c => c.Name == reference, cancellationToken);

    public Task<List<CredentialProfile>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.CredentialProfiles.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);

    public async Task<CredentialProfile> AddAsync(
        CredentialInput input,
        IReadOnlyDictionary<string, SecretText> secrets,
        CancellationToken cancellationToken = default)
    {
        var profile = new CredentialProfile { Name = input.Name!, Description = input.Description, Username = input.Username };
        profile.Normalize();
        await Db.CredentialProfiles.EnsureUniqueAsync(c => c.Name == profile.Name, profile.Name, null, cancellationToken);
        ApplySecrets(profile, secrets, []);
        Db.CredentialProfiles.Add(profile);
        await Db.SaveChangesAsync(cancellationToken);
        return profile;
    }

    public async Task<CredentialProfile> UpdateAsync(
        string reference,
        CredentialInput input,
        IReadOnlyDictionary<string, SecretText> secrets,
        IReadOnlyCollection<string> unsetSecrets,
        CancellationToken cancellationToken = default)
    {
        var profile = await FindAsync(reference, cancellationToken);
        profile.Name = input.Name ?? profile.Name;
        profile.Description = input.Description ?? profile.Description;
        profile.Username = input.Username ?? profile.Username;
        profile.Normalize();
        await Db.CredentialProfiles.EnsureUniqueAsync(c => c.Name == profile.Name, profile.Name, profile.Id, cancellationToken);
        ApplySecrets(profile, secrets, unsetSecrets);
        await Db.SaveChangesAsync(cancellationToken);
        return profile;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        var profile = await FindAsync(reference, cancellationToken);
        var users = await Db.Adapters.Where(a => a.CredentialProfileId == profile.Id).Select(a => a.Name).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            throw new ReferenceException(
                $"Credential profile '{profile.Name}' is used by adapter(s) {string.Join(", ", users)}.",
                "Point those adapters at other credentials, or remove them, first.");
        }

        Db.CredentialProfiles.Remove(profile);
        await Db.SaveChangesAsync(cancellationToken);
    }

    private void ApplySecrets(CredentialProfile profile, IReadOnlyDictionary<string, SecretText> secrets, IReadOnlyCollection<string> unset)
    {
        foreach (var (name, value) in secrets)
        {
            if (value.IsEmpty)
            {
                throw new InvalidInputException($"The secret '{name}' is empty.", "To remove a secret, unset it.", new Dictionary<string, string> { ["unsetKey"] = name });
            }

            SecretFields.Find(Area, name).SetValue(profile, session.Secrets.Seal(value));
        }

        foreach (var name in unset)
        {
            SecretFields.Find(Area, name).SetValue(profile, null);
        }
    }
}
