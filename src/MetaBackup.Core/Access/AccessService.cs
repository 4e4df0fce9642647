using System.Security.Cryptography;
using System.Text;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Access;

/// <summary>A signed-in user: the actor, and the stamp a session keeps to notice a changed password.</summary>
public sealed record SignedIn(Actor Actor, string SessionStamp);

/// <summary>
/// What a server needs to sign people in through an SSO provider (docs/ui.md, "Signing in with SSO"): its OpenID
/// Connect issuer, client and scopes. <see cref="Version"/> changes whenever the provider does.
/// </summary>
public sealed record SsoClient(string ProviderId, string Name, string Issuer, string ClientId, SecretText? ClientSecret, IReadOnlyList<string> Scopes, DateTimeOffset Version);

/// <summary>
/// Who is asking (docs/api.md, "Authentication"): a local user by email and password, a session started that
/// way, or an API key. Permissions come from the user's group at the time of each request, so a changed group,
/// a disabled user or a changed password take effect at once; an API key has at most its user's. Every sign-in,
/// successful or not, is audited — never with the password or the key, only the email or the key's prefix.
/// The session is opened as the actor asking (anonymous until known), so the audit records where it came from.
/// </summary>
public sealed class AccessService(ConfigurationSession session)
{
    /// <summary>The name of the group the first administrator is put in.</summary>
    public const string AdministratorsGroup = "Administrators";

    private ConfigurationDbContext Db => session.Db;

    private string? RemoteAddress => session.Actor.RemoteAddress;

    /// <summary>Whether no user exists yet, so the first administrator may be created (and only then).</summary>
    public async Task<bool> NeedsFirstAdministratorAsync(CancellationToken cancellationToken = default) =>
        !await Db.Users.AnyAsync(cancellationToken);

    /// <summary>
    /// Creates the first administrator — refused once any user exists — in the group
    /// <see cref="AdministratorsGroup"/> (created, or given every permission), in one transaction, audited.
    /// </summary>
    public async Task<User> CreateFirstAdministratorAsync(string email, string? name, SecretText password, CancellationToken cancellationToken = default)
    {
        await using var transaction = await session.BeginWriteAsync(cancellationToken);
        if (!await NeedsFirstAdministratorAsync(cancellationToken))
        {
            throw new ConflictException(
                "This server already has users; the first administrator can be created only while it has none.",
                "Sign in with an existing account.",
                details: new Dictionary<string, string> { ["setup"] = "done" });
        }

        var group = await Db.Groups.FirstOrDefaultAsync(g => g.Name == AdministratorsGroup, cancellationToken);
        if (group is null)
        {
            group = new Group { Name = AdministratorsGroup, Description = "Every permission; created with the first administrator." };
            Db.Groups.Add(group);
        }

        group.Permissions = [.. Permissions.All];
        group.Normalize();
        await Db.SaveChangesAsync(cancellationToken);
        var user = await new UsersService(session).AddAsync(new UserInput(email, name, group.Id), password, cancellationToken);
        session.Audit("setup.first-administrator", user.Email, $"user:{user.Email}");
        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    /// <summary>Signs a user in by email and password; null (audited as a failure) when either is wrong or the user is disabled.</summary>
    public async Task<SignedIn?> SignInAsync(string email, SecretText password, CancellationToken cancellationToken = default)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await Db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var verdict = user is null ? PasswordVerdict.Wrong : new UsersService(session).CheckPassword(user, password);
        if (user is null || verdict == PasswordVerdict.Wrong)
        {
            // The same work whether or not the account exists, so timing does not tell which.
            if (user is null)
            {
                UsersService.SpendAsMuchAsACheck(password);
            }

            await AuditAsync("signin.failure", normalized, cancellationToken);
            return null;
        }

        if (verdict == PasswordVerdict.RightButOutdated)
        {
            // A hash made with fewer iterations than today's is made again now that the password is at hand.
            new UsersService(session).SetPassword(user, password);
        }

        var actor = await ActorForAsync(user, cancellationToken);
        session.Audit("signin.success", user.Email, actor.Name);
        await Db.SaveChangesAsync(cancellationToken);
        return new SignedIn(actor, SessionStampOf(user));
    }

    /// <summary>The enabled SSO providers a sign-in page offers, by provider id and name.</summary>
    public async Task<IReadOnlyList<(string ProviderId, string Name)>> SsoProvidersAsync(CancellationToken cancellationToken = default) =>
        [.. (await Db.SsoProviders.AsNoTracking().Where(p => p.Enabled).OrderBy(p => p.Name).Select(p => new { p.ProviderId, p.Name }).ToListAsync(cancellationToken))
            .Select(p => (p.ProviderId, p.Name))];

    /// <summary>The client settings of an enabled SSO provider, its secret opened; null when there is no such provider or it is disabled.</summary>
    public async Task<SsoClient?> SsoClientAsync(string providerId, CancellationToken cancellationToken = default)
    {
        var provider = await Db.SsoProviders.AsNoTracking().FirstOrDefaultAsync(p => p.ProviderId == providerId && p.Enabled, cancellationToken);
        return provider is null
            ? null
            : new SsoClient(provider.ProviderId, provider.Name, provider.Issuer, provider.ClientId, provider.ClientSecret is { } secret ? session.Secrets.Open(secret) : null, provider.Scopes, provider.UpdatedAt);
    }

    /// <summary>
    /// Signs in someone an SSO provider vouched for, by the email it gave (docs/ui.md, "Signing in with SSO"): an
    /// existing account with that email, or else a new one in the provider's default group. Refused — audited, and
    /// with the reason — when the provider gave no email, the account is disabled, or the provider has no default
    /// group for newcomers.
    /// </summary>
    public async Task<SignedIn> SignInWithSsoAsync(string providerId, string? email, string? name, CancellationToken cancellationToken = default)
    {
        var provider = await Db.SsoProviders.AsNoTracking().FirstOrDefaultAsync(p => p.ProviderId == providerId && p.Enabled, cancellationToken);
        var normalized = email?.Trim().ToLowerInvariant();
        var user = normalized is null ? null : await Db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var refusal = (provider, normalized, user) switch
        {
            (null, _, _) => $"The SSO provider '{providerId}' does not exist or is disabled.",
            (_, null, _) => $"{provider.Name} did not say who you are by email (the 'email' claim); ask its administrator to release it.",
            (_, _, { Disabled: true }) => "This account is disabled.",
            (_, _, null) when provider.DefaultGroupId is null => $"There is no account for {normalized}, and {provider.Name} has no default group for new users; ask an administrator to create your account.",
            _ => null,
        };
        if (refusal is not null)
        {
            await AuditAsync("signin.failure", $"{normalized ?? "(no email)"} via sso:{providerId}", cancellationToken);
            throw new MetaBackupException(refusal, code: ErrorCode.Unauthenticated);
        }

        if (user is null)
        {
            user = await new UsersService(session).AddAsync(new UserInput(normalized, name, provider!.DefaultGroupId), null, cancellationToken);
            session.Audit("users.add", user.Email, $"sso:{providerId}");
        }

        var actor = await ActorForAsync(user, cancellationToken);
        session.Audit("signin.success", $"{user.Email} via sso:{providerId}", actor.Name);
        await Db.SaveChangesAsync(cancellationToken);
        return new SignedIn(actor, SessionStampOf(user));
    }

    /// <summary>The actor of a session a user started; null when the user is gone, disabled, or changed password since.</summary>
    public async Task<Actor?> ForSessionAsync(string userId, string sessionStamp, CancellationToken cancellationToken = default)
    {
        var user = await Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        return user is { Disabled: false } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(SessionStampOf(user)), Encoding.ASCII.GetBytes(sessionStamp))
            ? await ActorForAsync(user, cancellationToken)
            : null;
    }

    /// <summary>
    /// The actor of a request bearing an API key: the key's permissions that its user still has; null (audited) when
    /// the key is unknown, wrong, expired, or its user disabled. Its last use is recorded, at most once a minute.
    /// </summary>
    public async Task<Actor?> ForApiKeyAsync(SecretText presented, CancellationToken cancellationToken = default)
    {
        var record = await new ApiKeysService(session).AuthenticateAsync(presented, cancellationToken);
        if (record is null)
        {
            await AuditAsync("signin.failure", $"API key {ApiKeysService.PrefixOf(presented) ?? "(malformed)"}", cancellationToken);
            return null;
        }

        var user = await Db.Users.AsNoTracking().FirstAsync(u => u.Id == record.UserId, cancellationToken);
        var owner = await ActorForAsync(user, cancellationToken);
        await RecordUseAsync(record, cancellationToken);
        return new Actor(
            $"apikey:{record.Prefix} ({user.Email})",
            ActorKind.ApiKey,
            record.Permissions.Where(owner.May).ToHashSet(),
            user.Id,
            RemoteAddress);
    }

    /// <summary>Records that the current actor was refused before any operation ran (not signed in).</summary>
    public Task AuditDeniedAsync(string target, CancellationToken cancellationToken = default) =>
        AuditAsync("access.denied", target, cancellationToken);

    /// <summary>When each API key was last used, by key id.</summary>
    public async Task<IReadOnlyDictionary<string, ApiKeyUsage>> ApiKeyUsageAsync(CancellationToken cancellationToken = default) =>
        await Db.ApiKeyUsage.AsNoTracking().ToDictionaryAsync(u => u.ApiKeyId, cancellationToken);

    private async Task<Actor> ActorForAsync(User user, CancellationToken cancellationToken)
    {
        var permissions = user.GroupId is { } groupId
            ? (await Db.Groups.AsNoTracking().Where(g => g.Id == groupId).Select(g => g.Permissions).FirstOrDefaultAsync(cancellationToken)) ?? []
            : [];
        return new Actor($"user:{user.Email}", ActorKind.User, permissions.ToHashSet(), user.Id, RemoteAddress);
    }

    /// <summary>
    /// A value that changes whenever the user's password does (the stored hash carries a fresh salt each time) and
    /// reveals nothing about it; a session keeps it, so that setting a new password ends every other session.
    /// </summary>
    private string SessionStampOf(User user) =>
        user.PasswordHash is null
            ? "none"
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("metabackup session stamp\n" + session.Secrets.Open(user.PasswordHash).Reveal())))[..32];

    private async Task RecordUseAsync(ApiKey record, CancellationToken cancellationToken)
    {
        var now = session.Clock.GetUtcNow();
        var usage = await Db.ApiKeyUsage.FirstOrDefaultAsync(u => u.ApiKeyId == record.Id, cancellationToken);
        if (usage is not null && now - usage.LastUsedAt < TimeSpan.FromMinutes(1) && usage.LastUsedFrom == RemoteAddress)
        {
            return;
        }

        if (usage is null)
        {
            Db.ApiKeyUsage.Add(new ApiKeyUsage { ApiKeyId = record.Id, LastUsedAt = now, LastUsedFrom = RemoteAddress });
        }
        else
        {
            usage.LastUsedAt = now;
            usage.LastUsedFrom = RemoteAddress;
        }

        await Db.SaveChangesAsync(cancellationToken);
    }

    private async Task AuditAsync(string action, string target, CancellationToken cancellationToken)
    {
        session.Audit(action, target);
        await Db.SaveChangesAsync(cancellationToken);
    }
}
