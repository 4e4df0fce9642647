using MetaBackup.Core.Persistence;
using MetaBackup.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Adapters;

/// <summary>What a connection test checked.</summary>
public sealed record ConnectionTestResult(string Adapter, string Kind, string Type, string Checked);

/// <summary>
/// `adapters test`: checks that any adapter's connection works — after a restore, this is how an operator
/// learns that the secrets came back. Storage destinations write, list and delete a small file through
/// their backend; other types use their <see cref="IConnectionTester"/>. Both connect with
/// <see cref="AdaptersService.ConnectionConfigAsync"/>: a credential profile fills what the adapter leaves unset.
/// </summary>
public sealed class ConnectionTests(ConfigurationSession session, BackupStores stores, IEnumerable<IConnectionTester> testers)
{
    public async Task<ConnectionTestResult> TestAsync(string reference, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= _ => { };
        var adapters = new AdaptersService(session);
        var adapter = await adapters.FindAsync(reference, cancellationToken);
        var name = $"{Kinds.Name(adapter.Kind)}/{adapter.Name}";
        if (adapter.Kind == AdapterKind.Storage)
        {
            var store = await adapters.StoreForAsync(adapter, stores, progress, cancellationToken);
            progress($"connecting to {store.Description}: write a small file, read the listing, delete the file");
            await store.TestAsync(cancellationToken);
            return new ConnectionTestResult(name, Kinds.Name(adapter.Kind), adapter.Type, $"wrote, listed and deleted a small file in {store.Description}");
        }

        var tester = testers.FirstOrDefault(t => t.Kind == adapter.Kind && t.Type == adapter.Type)
            ?? throw new ConnectionTestException(WhyNotTestable(stores, testers, adapter.Kind, adapter.Type)!);
        progress($"connecting to {name} ({adapter.Type})");
        var config = await adapters.ConnectionConfigAsync(adapter, cancellationToken);
        return new ConnectionTestResult(name, Kinds.Name(adapter.Kind), adapter.Type, await tester.TestAsync(adapter.Name, config, cancellationToken));
    }

    /// <summary>Why adapters of a type cannot be tested by a build with these backends and testers, or null when they can.</summary>
    public static string? WhyNotTestable(BackupStores stores, IEnumerable<IConnectionTester> testers, AdapterKind kind, string type) =>
        kind == AdapterKind.Storage && stores.Has(type) || testers.Any(t => t.Kind == kind && t.Type == type)
            ? null
            : $"MetaBackup cannot test {Kinds.Name(kind)}/{type} adapters: this version includes no {type} driver. Testable: every storage and notification type, and the postgres and sqlite databases.";
}
