using System.Security.Cryptography;
using System.Text;
using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.ApiKeys;

/// <summary>A new API key: the record, and the key itself, which exists only in this object and is shown once.</summary>
public sealed record IssuedApiKey(ApiKey Record, SecretText Key);

/// <summary>
/// API keys. A key reads <c>mbk_&lt;prefix&gt;_&lt;secret&gt;</c>: the prefix identifies it (natural key),
/// the secret part is 256 random bits. Only the SHA-256 of the whole key is kept — enough for a
/// random key, which needs no slow password hash — and that hash is sealed at rest.
/// </summary>
public sealed class ApiKeysService(ConfigurationSession session)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private readonly UsersService _users = new(session);

    private ConfigurationDbContext Db => session.Db;

    public Task<ApiKey> FindAsync(string reference, CancellationToken cancellationToken = default) =>
        Db.ApiKeys.FindAsync(reference, k => k.Prefix == reference, cancellationToken);

    public Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.ApiKeys.AsNoTracking().OrderBy(k => k.Prefix).ToListAsync(cancellationToken);

    public async Task<IssuedApiKey> AddAsync(string name, string user, IEnumerable<string> permissions, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var owner = await FindUserAsync(user, cancellationToken);
        var prefix = "mbk_" + RandomNumberGenerator.GetString(Alphabet, 8);
        var key = new SecretText($"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}");
        var record = new ApiKey
        {
            Name = name,
            UserId = owner.Id,
            Prefix = prefix,
            KeyHash = session.Secrets.Seal(new SecretText(Hash(key))),
            Permissions = [.. permissions],
            ExpiresAt = ValidExpiry(expiresAt),
        };
        record.Normalize();
        Db.ApiKeys.Add(record);
        await Db.SaveChangesAsync(cancellationToken);
        return new IssuedApiKey(record, key);
    }

    public async Task<ApiKey> UpdateAsync(string reference, string? name, IEnumerable<string>? permissions, DateTimeOffset? expiresAt, bool clearExpiry, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(reference, cancellationToken);
        record.Name = name ?? record.Name;
        record.Permissions = permissions is null ? record.Permissions : [.. permissions];
        record.ExpiresAt = clearExpiry ? null : expiresAt is null ? record.ExpiresAt : ValidExpiry(expiresAt);
        record.Normalize();
        await Db.SaveChangesAsync(cancellationToken);
        return record;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        Db.ApiKeys.Remove(await FindAsync(reference, cancellationToken));
        await Db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The prefix of a presented key (its public part, fit for logs and the audit), or null when it has none.</summary>
    public static string? PrefixOf(SecretText presented)
    {
        var text = presented.Reveal();
        var cut = text.LastIndexOf('_');
        return cut > 0 && ApiKey.IsPrefix(text[..cut]) ? text[..cut] : null;
    }

    /// <summary>The key record a presented key belongs to, if it is valid, unexpired and its user is enabled.</summary>
    public async Task<ApiKey?> AuthenticateAsync(SecretText presented, CancellationToken cancellationToken = default)
    {
        var text = presented.Reveal();
        var cut = text.LastIndexOf('_');
        if (cut <= 0)
        {
            return null;
        }

        var prefix = text[..cut];
        var record = await Db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (record?.KeyHash is null || (record.ExpiresAt is { } expiry && expiry <= session.Clock.GetUtcNow()))
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(session.Secrets.Open(record.KeyHash).Reveal());
        var actual = Encoding.ASCII.GetBytes(Hash(presented));
        var user = await Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == record.UserId, cancellationToken);
        return CryptographicOperations.FixedTimeEquals(expected, actual) && user is { Disabled: false } ? record : null;
    }

    private async Task<User> FindUserAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await _users.FindAsync(reference, cancellationToken);
        }
        catch (RecordNotFoundException)
        {
            throw new ReferenceException($"User '{reference}' does not exist.", "An API key belongs to a user: create the user first.", ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.Users.Name, ["reference"] = reference });
        }
    }

    private DateTimeOffset? ValidExpiry(DateTimeOffset? expiresAt) =>
        expiresAt is { } at && at <= session.Clock.GetUtcNow()
            ? throw new InvalidInputException($"The expiry {at:O} is in the past.")
            : expiresAt?.ToUniversalTime();

    private static string Hash(SecretText key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Reveal())));
}
