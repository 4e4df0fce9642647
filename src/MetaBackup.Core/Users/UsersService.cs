using MetaBackup.Core.Configuration;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Security.Cryptography;

namespace MetaBackup.Core.Users;

/// <summary>The fields of a user; null leaves a field as it is on update. <see cref="Group"/> "" removes the user from their group.</summary>
public sealed record UserInput(string? Email = null, string? Name = null, string? Group = null, bool? Disabled = null);

/// <summary>What checking a password found.</summary>
public enum PasswordVerdict
{
    Wrong,
    Right,

    /// <summary>Right, but hashed with fewer iterations than today's: hash it again now.</summary>
    RightButOutdated,
}

/// <summary>
/// Local accounts. Passwords are kept only as a hash from ASP.NET Core Identity's password hasher
/// (PBKDF2-HMAC-SHA512 with a random salt and <see cref="PasswordIterations"/> iterations, in Identity's
/// versioned format), and that hash is itself sealed under the system key (docs/api.md, "Authentication").
/// </summary>
public sealed class UsersService(ConfigurationSession session)
{
    public const int MinimumPasswordLength = 10;

    /// <summary>PBKDF2 iterations for new hashes: OWASP's 2023 advice for PBKDF2-HMAC-SHA512 is at least 210,000; we take 600,000.</summary>
    public const int PasswordIterations = 600_000;

    private static readonly PasswordHasher<User> Hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = PasswordIterations }));

    /// <summary>A hash of a password nobody has, to spend on sign-ins for accounts that do not exist.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(new User { Email = "decoy@invalid", Name = "decoy" }, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
    private readonly GroupsService _groups = new(session);

    private ConfigurationDbContext Db => session.Db;

    public Task<User> FindAsync(string reference, CancellationToken cancellationToken = default)
    {
        var email = reference.Trim().ToLowerInvariant();
        return Db.Users.FindAsync(reference, u => u.Email == email, cancellationToken);
    }

    public Task<List<User>> ListAsync(CancellationToken cancellationToken = default) =>
        Db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);

    public async Task<User> AddAsync(UserInput input, SecretText? password, CancellationToken cancellationToken = default)
    {
        var user = new User
        {
            Email = input.Email!,
            Name = input.Name ?? input.Email!,
            GroupId = await _groups.ResolveAsync(input.Group, cancellationToken),
            Disabled = input.Disabled ?? false,
        };
        user.Normalize();
        await Db.Users.EnsureUniqueAsync(u => u.Email == user.Email, user.Email, null, cancellationToken);
        if (password is not null)
        {
            SetPassword(user, password);
        }

        Db.Users.Add(user);
        await Db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<User> UpdateAsync(string reference, UserInput input, SecretText? password, CancellationToken cancellationToken = default)
    {
        var user = await FindAsync(reference, cancellationToken);
        user.Email = input.Email ?? user.Email;
        user.Name = input.Name ?? user.Name;
        user.Normalize();
        await Db.Users.EnsureUniqueAsync(u => u.Email == user.Email, user.Email, user.Id, cancellationToken);
        if (input.Group is not null)
        {
            user.GroupId = await _groups.ResolveAsync(input.Group, cancellationToken);
        }

        user.Disabled = input.Disabled ?? user.Disabled;
        if (password is not null)
        {
            SetPassword(user, password);
        }

        await Db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        var user = await FindAsync(reference, cancellationToken);
        var keys = await Db.ApiKeys.Where(k => k.UserId == user.Id).Select(k => k.Prefix).ToListAsync(cancellationToken);
        if (keys.Count > 0)
        {
            throw new ReferenceException(
                $"User '{user.Email}' still owns API key(s) {string.Join(", ", keys)}.",
                "Remove those API keys first.");
        }

        Db.Users.Remove(user);
        await Db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="password"/> is the user's password. A disabled user or one without a password never matches.</summary>
    public bool VerifyPassword(User user, SecretText password) => CheckPassword(user, password) != PasswordVerdict.Wrong;

    /// <summary>Checks <paramref name="password"/>; a disabled user or one without a password is always wrong.</summary>
    public PasswordVerdict CheckPassword(User user, SecretText password)
    {
        if (user.Disabled || user.PasswordHash is null)
        {
            SpendAsMuchAsACheck(password);
            return PasswordVerdict.Wrong;
        }

        var hash = session.Secrets.Open(user.PasswordHash).Reveal();
        return Hasher.VerifyHashedPassword(user, hash, password.Reveal()) switch
        {
            PasswordVerificationResult.Success => PasswordVerdict.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordVerdict.RightButOutdated,
            _ => PasswordVerdict.Wrong,
        };
    }

    /// <summary>Takes as long as checking a real password, so that a refusal does not tell whether the account exists.</summary>
    public static void SpendAsMuchAsACheck(SecretText password) =>
        Hasher.VerifyHashedPassword(new User { Email = "decoy@invalid", Name = "decoy" }, DecoyHash.Value, password.Reveal());

    /// <summary>Sets a new password (checked for length), hashed with today's iterations; saved with the caller's next save.</summary>
    public void SetPassword(User user, SecretText password)
    {
        if (password.Reveal().Length < MinimumPasswordLength)
        {
            throw new InvalidInputException($"The password is too short: it needs at least {MinimumPasswordLength} characters.");
        }

        user.PasswordHash = session.Secrets.Seal(new SecretText(Hasher.HashPassword(user, password.Reveal())));
    }
}
