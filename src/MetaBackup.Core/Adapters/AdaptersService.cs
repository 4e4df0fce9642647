using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Core.Adapters;

/// <summary>A change to an adapter's configuration: plain values as text, secrets, and keys to remove.</summary>
public sealed record AdapterConfigChange(
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyDictionary<string, SecretText> Secrets,
    IReadOnlyCollection<string> Unset)
{
    public static readonly AdapterConfigChange None = new(new Dictionary<string, string>(), new Dictionary<string, SecretText>(), []);
}

/// <summary>
/// Connections to databases, storage and notification channels. Every change is validated
/// against the adapter type's declaration in <see cref="AdapterTypes"/>.
/// </summary>
public sealed class AdaptersService(ConfigurationSession session, BackupStores? stores = null)
{
    private ConfigurationDbContext Db => session.Db;

    /// <summary>Finds an adapter by id, <c>kind/name</c>, or a name that only one adapter has.</summary>
    public async Task<Adapter> FindAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (await Db.Adapters.FirstOrDefaultAsync(a => a.Id == reference, cancellationToken) is { } byId)
        {
            return byId;
        }

        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && Enum.TryParse<AdapterKind>(reference[..slash], true, out var kind))
        {
            var name = reference[(slash + 1)..];
            return await Db.Adapters.FirstOrDefaultAsync(a => a.Kind == kind && a.Name == name, cancellationToken)
                ?? throw new RecordNotFoundException(ConfigurationAreas.Adapters, reference);
        }

        var matches = await Db.Adapters.Where(a => a.Name == reference).ToListAsync(cancellationToken);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new RecordNotFoundException(ConfigurationAreas.Adapters, reference),
            _ => throw new InvalidInputException(
                $"Several adapters are named '{reference}' ({string.Join(", ", matches.Select(m => $"{Kinds.Name(m.Kind)}/{m.Name}"))}).",
                "Name one as KIND/NAME or by its id."),
        };
    }

    /// <summary>Finds the adapter a reference names and checks that it is of the kind the caller needs.</summary>
    public async Task<Adapter> FindOfKindAsync(string reference, AdapterKind kind, string role, CancellationToken cancellationToken = default)
    {
        Adapter adapter;
        try
        {
            adapter = await Db.Adapters.FirstOrDefaultAsync(a => a.Id == reference || (a.Kind == kind && a.Name == reference), cancellationToken)
                ?? await FindAsync(reference, cancellationToken);
        }
        catch (RecordNotFoundException)
        {
            throw new ReferenceException(
                $"{role} '{reference}' does not exist.",
                $"Create {(kind == AdapterKind.Storage ? "a storage" : kind == AdapterKind.Database ? "a database" : "a notification")} adapter first, or choose one that exists.",
                ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.Adapters.Name, ["reference"] = reference, ["kind"] = Kinds.Name(kind) });
        }

        if (adapter.Kind != kind)
        {
            throw new ReferenceException(
                $"{role} must be a {Kinds.Name(kind)} adapter, but '{adapter.Name}' is a {Kinds.Name(adapter.Kind)} adapter.",
                $"Choose a {Kinds.Name(kind)} adapter.",
                ErrorCode.InvalidInput,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.Adapters.Name, ["kind"] = Kinds.Name(kind) });
        }

        return adapter;
    }

    public Task<List<Adapter>> ListAsync(AdapterKind? kind = null, CancellationToken cancellationToken = default) =>
        Db.Adapters.AsNoTracking().Where(a => kind == null || a.Kind == kind)
            .OrderBy(a => a.Kind).ThenBy(a => a.Name).ToListAsync(cancellationToken);

    /// <summary>The adapter's configuration, decrypted; for views (which print only which secrets are set) and export.</summary>
    public AdapterConfig ReadConfig(Adapter adapter) => AdapterConfig.Load(TypeOf(adapter.Kind, adapter.Type), adapter, session.Secrets);

    public async Task<Adapter> AddAsync(
        AdapterKind kind,
        string type,
        string name,
        AdapterConfigChange config,
        string? credentialProfile,
        CancellationToken cancellationToken = default)
    {
        var adapterType = TypeOf(kind, type);
        var adapter = new Adapter { Kind = kind, Type = adapterType.Name, Name = name };
        var values = AdapterConfig.Empty(adapterType);
        Apply(values, config);
        values.Validate();
        stores?.CheckConfig(adapter, values);
        values.StoreInto(adapter, session.Secrets);
        adapter.Normalize();
        await Db.Adapters.EnsureUniqueAsync(a => a.Kind == kind && a.Name == adapter.Name, $"{Kinds.Name(kind)}/{adapter.Name}", null, cancellationToken);
        adapter.CredentialProfileId = await ResolveCredentialsAsync(credentialProfile, cancellationToken);
        Db.Adapters.Add(adapter);
        await Db.SaveChangesAsync(cancellationToken);
        return adapter;
    }

    /// <param name="reference">The adapter to change.</param>
    /// <param name="name">A new name, or null to keep it.</param>
    /// <param name="config">Config changes.</param>
    /// <param name="credentialProfile">A credential profile reference, "" to detach, or null to keep.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    public async Task<Adapter> UpdateAsync(
        string reference,
        string? name,
        AdapterConfigChange config,
        string? credentialProfile,
        CancellationToken cancellationToken = default)
    {
        var adapter = await FindAsync(reference, cancellationToken);
        var values = ReadConfig(adapter);
        Apply(values, config);
        values.Validate();
        stores?.CheckConfig(adapter, values);
        values.StoreInto(adapter, session.Secrets);
        adapter.Name = name ?? adapter.Name;
        adapter.Normalize();
        var kind = adapter.Kind;
        await Db.Adapters.EnsureUniqueAsync(a => a.Kind == kind && a.Name == adapter.Name, $"{Kinds.Name(kind)}/{adapter.Name}", adapter.Id, cancellationToken);
        if (credentialProfile is not null)
        {
            adapter.CredentialProfileId = await ResolveCredentialsAsync(credentialProfile, cancellationToken);
        }

        await Db.SaveChangesAsync(cancellationToken);
        return adapter;
    }

    public async Task RemoveAsync(string reference, CancellationToken cancellationToken = default)
    {
        var adapter = await FindAsync(reference, cancellationToken);
        var id = adapter.Id;
        var jobs = await Db.Jobs
            .Where(j => j.SourceAdapterId == id || j.Destinations.Any(d => d.AdapterId == id) || j.Notifications.Any(n => n.AdapterId == id))
            .Select(j => j.Name).ToListAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            throw new ReferenceException(
                $"Adapter '{adapter.Name}' is used by job(s) {string.Join(", ", jobs)}.",
                "Change or remove those jobs first.");
        }

        var storageSetting = await Db.Settings.FirstOrDefaultAsync(s => s.Key == SettingKeys.ConfigBackupStorageId && s.Value == id, cancellationToken);
        if (storageSetting is not null)
        {
            throw new ReferenceException(
                $"Adapter '{adapter.Name}' is the configuration backup destination (setting {SettingKeys.ConfigBackupStorageId}).",
                $"Set {SettingKeys.ConfigBackupStorageId} to another destination first.");
        }

        Db.Adapters.Remove(adapter);
        await Db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The configuration to connect with: the adapter's own, with the credential keys it leaves unset
    /// (username, password, private key, passphrase, token) taken from its credential profile.
    /// </summary>
    public async Task<AdapterConfig> ConnectionConfigAsync(Adapter adapter, CancellationToken cancellationToken = default)
    {
        var config = ReadConfig(adapter);
        if (adapter.CredentialProfileId is not { } id
            || await Db.CredentialProfiles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } profile)
        {
            return config;
        }

        var type = TypeOf(adapter.Kind, adapter.Type);
        if (type.FindKey("username") is not null && !config.IsSet("username") && profile.Username is { } username)
        {
            config.Set("username", username);
        }

        foreach (var property in ConfigurationAreas.CredentialProfiles.SecretProperties)
        {
            var key = SecretFields.NameOf(property);
            if (type.FindKey(key) is { Secret: true } && !config.IsSet(key) && property.GetValue(profile) is EncryptedSecret secret)
            {
                config.SetSecret(key, session.Secrets.Open(secret));
            }
        }

        return config;
    }

    /// <summary>
    /// The backend of a storage adapter. What it learns while connecting (an SFTP host key on first use) is
    /// kept in the adapter at once, audited and logged, and told to <paramref name="notice"/> for the operator.
    /// </summary>
    public async Task<IBackupStore> StoreForAsync(Adapter adapter, BackupStores backends, Action<string>? notice = null, CancellationToken cancellationToken = default) =>
        backends.For(
            adapter,
            await ConnectionConfigAsync(adapter, cancellationToken),
            async (key, value) =>
            {
                await RememberAsync(adapter, key, value);
                notice?.Invoke($"{Kinds.Name(adapter.Kind)}/{adapter.Name} now has {key} = {value}, learned on this first connection: from now on no other value is accepted");
            },
            notice);

    /// <summary>Keeps a plain config value a store learned (see <see cref="RememberConfig"/>).</summary>
    private async Task RememberAsync(Adapter adapter, string key, string value)
    {
        var stored = await Db.Adapters.FirstAsync(a => a.Id == adapter.Id);
        var config = ReadConfig(stored);
        config.Set(key, value);
        config.StoreInto(stored, session.Secrets);
        session.Audit("adapter.remember", $"{Kinds.Name(stored.Kind)}/{stored.Name}: {key} = {value}");
        await Db.SaveChangesAsync();
        session.Logger<AdaptersService>().LogWarning("Storage adapter {Adapter} now keeps {Key} = {Value}, learned on its first connection", stored.Name, key, value);
    }

    /// <summary>The declared type, or an error listing the types of that kind.</summary>
    public static AdapterType TypeOf(AdapterKind kind, string type) =>
        AdapterTypes.Find(kind, type) ?? throw new InvalidInputException(
            $"Unknown {Kinds.Name(kind)} adapter type '{type}'.",
            $"Known {Kinds.Name(kind)} types: {string.Join(", ", AdapterTypes.OfKind(kind).Select(t => t.Name))}.");

    private static void Apply(AdapterConfig values, AdapterConfigChange change)
    {
        foreach (var key in change.Unset)
        {
            values.Unset(key);
        }

        foreach (var (key, text) in change.Values)
        {
            values.Set(key, text);
        }

        foreach (var (key, secret) in change.Secrets)
        {
            values.SetSecret(key, secret);
        }
    }

    private async Task<string?> ResolveCredentialsAsync(string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var profile = await Db.CredentialProfiles.FirstOrDefaultAsync(c => c.Id == reference || c.Name == reference, cancellationToken)
            ?? throw new ReferenceException(
                $"Credential profile '{reference}' does not exist.",
                "Create the credential profile first, or choose one that exists.",
                ErrorCode.NotFound,
                new Dictionary<string, string> { ["area"] = ConfigurationAreas.CredentialProfiles.Name, ["reference"] = reference });
        return profile.Id;
    }
}
