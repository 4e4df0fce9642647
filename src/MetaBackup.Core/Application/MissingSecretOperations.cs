using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;

namespace MetaBackup.Core.Application;

/// <summary>
/// A secret a record lacks after an import of a backup made without secrets (docs/recovery.md, "Secrets"): the area
/// and id of the record, its natural key for people, and the secret field (an adapter's config key, or a record's
/// secret property by its JSON name).
/// </summary>
public sealed record MissingSecret(string Area, string Id, string Key, string Field)
{
    /// <summary>Every secret an import's plan said its records would lack.</summary>
    public static IReadOnlyList<MissingSecret> Of(PlanView plan) =>
        [.. plan.Entries.SelectMany(e => e.NeedsSecret.Select(field => new MissingSecret(e.Area, e.Id, e.Key, field)))];

    /// <summary>
    /// Whether a person can type this secret in (<see cref="EnterMissingSecret"/>); the others come back another way —
    /// a profile's key from its Recovery Kit into the vault, an API key by issuing a new one.
    /// </summary>
    public bool CanBeEntered => MissingSecrets.IsEnterable(Area);

    /// <summary>
    /// What a person enters, by name: an adapter's config key without the plan's <c>config.</c> prefix, a user's
    /// password rather than its stored hash.
    /// </summary>
    public string Label => Field switch
    {
        _ when Field.StartsWith(AdapterPrefix, StringComparison.Ordinal) => Field[AdapterPrefix.Length..],
        "passwordHash" => "password",
        "keyHash" => "key",
        _ => Field,
    };

    private const string AdapterPrefix = "config.";
}

/// <summary>
/// The secrets an applied import session left missing that are still missing now (docs/recovery.md, "Secrets"): the
/// restore's result keeps listing a record's secret until someone enters it, wherever they entered it. A record
/// deleted since is no longer missing anything.
/// </summary>
public sealed record ListMissingSecrets(string ImportSession) : Operation<IReadOnlyList<MissingSecret>>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<IReadOnlyList<MissingSecret>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await MissingSecrets.StillMissingAsync(context, ImportSession, cancellationToken);
}

/// <summary>
/// Enters one secret an applied import session left missing — what the restore wizard's result offers for each. It
/// is the area's own update with only that secret given, so it needs the area's write permission and follows its
/// rules; a secret the session did not leave missing is refused.
/// </summary>
public sealed record EnterMissingSecret(string ImportSession, string Area, string RecordId, string Field, SecretText Value) : Operation<MissingSecret>
{
    public override string Permission => MissingSecrets.WritePermissionOf(Area);

    public override AuditEntry Audit => new("secrets.enter", $"{Area}/{RecordId}: {Field}");

    internal override async Task<MissingSecret> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var secret = (await MissingSecrets.StillMissingAsync(context, ImportSession, cancellationToken)).FirstOrDefault(s => s.Area == Area && s.Id == RecordId && s.Field == Field)
            ?? throw new InvalidInputException($"This restore left no {Field} of {Area} '{RecordId}' to enter.", "Enter one of the secrets the restore's result lists.", new Dictionary<string, string> { ["field"] = "field" });
        var area = MissingSecrets.AreaOf(secret);
        if (area == ConfigurationAreas.Adapters)
        {
            await new UpdateAdapter(secret.Id, null, new AdapterConfigChange(new Dictionary<string, string>(), new Dictionary<string, SecretText> { [secret.Label] = Value }, []), null).RunAsync(context, cancellationToken);
        }
        else if (area == ConfigurationAreas.CredentialProfiles)
        {
            await new UpdateCredential(secret.Id, new CredentialInput(), new Dictionary<string, SecretText> { [secret.Field] = Value }, []).RunAsync(context, cancellationToken);
        }
        else if (area == ConfigurationAreas.SsoProviders)
        {
            await new UpdateSsoProvider(secret.Id, new SsoInput(), Value).RunAsync(context, cancellationToken);
        }
        else
        {
            await new UpdateUser(secret.Id, new UserInput(), Value).RunAsync(context, cancellationToken);
        }

        return secret;
    }
}

/// <summary>The areas whose records hold secrets a person can enter, and the permission that writes each.</summary>
internal static class MissingSecrets
{
    private static readonly IReadOnlyDictionary<ConfigurationArea, string> WritePermissions = new Dictionary<ConfigurationArea, string>
    {
        [ConfigurationAreas.Adapters] = Permissions.AdaptersWrite,
        [ConfigurationAreas.CredentialProfiles] = Permissions.CredentialsWrite,
        [ConfigurationAreas.SsoProviders] = Permissions.SsoWrite,
        [ConfigurationAreas.Users] = Permissions.UsersWrite,
    };

    public static bool IsEnterable(string area) => WritePermissions.Keys.Any(a => a.Name == area);

    public static ConfigurationArea AreaOf(MissingSecret secret) =>
        WritePermissions.Keys.FirstOrDefault(a => a.Name == secret.Area)
        ?? throw new InvalidInputException($"Records of '{secret.Area}' hold no secret that can be entered.", $"Secrets are entered for: {string.Join(", ", WritePermissions.Keys.Select(a => a.Name))}.");

    /// <summary>The permission that writes an area's records; for an area without enterable secrets, the import permission (the operation then refuses the input).</summary>
    public static string WritePermissionOf(string area) =>
        WritePermissions.FirstOrDefault(p => p.Key.Name == area).Value ?? Permissions.ConfigImport;

    /// <summary>What the caller's applied import session left missing and is still missing now.</summary>
    public static async Task<IReadOnlyList<MissingSecret>> StillMissingAsync(OperationContext context, string importSession, CancellationToken cancellationToken)
    {
        var session = await new ShowImportSession(importSession).RunAsync(context, cancellationToken);
        if (session.Result is not { } result)
        {
            return [];
        }

        var missing = new List<MissingSecret>();
        foreach (var secret in MissingSecret.Of(result.Plan))
        {
            var area = ConfigurationAreas.All.First(a => a.Name == secret.Area);
            if (await context.Session.Db.FindAsync(area.EntityType, [secret.Id], cancellationToken) is not ConfigRecord record)
            {
                continue;
            }

            var set = record is Adapter adapter
                ? new AdaptersService(context.Session).ReadConfig(adapter).SecretKeysSet.Contains(secret.Label)
                : SecretFields.WhichAreSet(area, record).GetValueOrDefault(secret.Field);
            if (!set)
            {
                missing.Add(secret);
            }
        }

        return missing;
    }
}
