using MetaBackup.Core.Credentials;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Adapters;

/// <summary>What a connection test checked.</summary>
public sealed record ConnectionTestResult(string Adapter, string Kind, string Type, string Checked);

/// <summary>
/// `adapters test`: checks that any adapter's connection works — after a restore, this is how an operator
/// learns that the secrets came back. Storage destinations write, list and delete a small file through
/// their backend; other types use their <see cref="IConnectionTester"/>. A credential profile fills the
/// credential keys (username, password, private key, passphrase, token) that the adapter leaves unset.
/// </summary>
public sealed class ConnectionTests(ConfigurationSession session, BackupStores stores, IEnumerable<IConnectionTester> testers)
{
    private static readonly string[] CredentialKeys = ["username", "password", "privateKey", "passphrase", "token"];

    public async Task<ConnectionTestResult> TestAsync(string reference, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        var adapters = new AdaptersService(session);
        var adapter = await adapters.FindAsync(reference, cancellationToken);
        var config = adapters.ReadConfig(adapter);
        await FillFromCredentialsAsync(adapter, config, cancellationToken);
        var name = $"{Kinds.Name(adapter.Kind)}/{adapter.Name}";
        if (adapter.Kind == AdapterKind.Storage)
        {
            var store = stores.For(adapter, config);
            progress($"connecting to {store.Description}: write a small file, read the listing, delete the file");
            await store.TestAsync(cancellationToken);
            return new ConnectionTestResult(name, Kinds.Name(adapter.Kind), adapter.Type, $"wrote, listed and deleted a small file in {store.Description}");
        }

        var tester = testers.FirstOrDefault(t => t.Kind == adapter.Kind && t.Type == adapter.Type)
            ?? throw new ConnectionTestException(WhyNotTestable(stores, testers, adapter.Kind, adapter.Type)!);
        progress($"connecting to {name} ({adapter.Type})");
        return new ConnectionTestResult(name, Kinds.Name(adapter.Kind), adapter.Type, await tester.TestAsync(adapter.Name, config, cancellationToken));
    }

    /// <summary>Why adapters of a type cannot be tested by a build with these backends and testers, or null when they can.</summary>
    public static string? WhyNotTestable(BackupStores stores, IEnumerable<IConnectionTester> testers, AdapterKind kind, string type) =>
        kind == AdapterKind.Storage && stores.Has(type) || testers.Any(t => t.Kind == kind && t.Type == type)
            ? null
            : $"MetaBackup cannot test {Kinds.Name(kind)}/{type} adapters: this version includes no {type} driver. Testable: every storage and notification type, and the postgres and sqlite databases.";

    private async Task FillFromCredentialsAsync(Adapter adapter, AdapterConfig config, CancellationToken cancellationToken)
    {
        if (adapter.CredentialProfileId is not { } id
            || await session.Db.CredentialProfiles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } profile)
        {
            return;
        }

        var type = AdaptersService.TypeOf(adapter.Kind, adapter.Type);
        foreach (var key in CredentialKeys.Where(k => type.FindKey(k) is not null && !config.IsSet(k)))
        {
            if (key == "username" && profile.Username is { } username)
            {
                config.Set(key, username);
            }
            else if (typeof(CredentialProfile).GetProperty(char.ToUpperInvariant(key[0]) + key[1..])?.GetValue(profile) is Secrets.EncryptedSecret secret)
            {
                config.SetSecret(key, session.Secrets.Open(secret));
            }
        }
    }
}
