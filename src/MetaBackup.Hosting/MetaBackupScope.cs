using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Persistence;

namespace MetaBackup.Hosting;

/// <summary>
/// One unit of work — a command, a request — for one actor (docs/architecture.md, "Composition"): the session
/// opens on first use, as <see cref="Actor"/>, and closes with the scope. Front ends set the actor once they
/// know who is asking, and run operations through <see cref="RunAsync{TResult}"/>.
/// </summary>
public sealed class MetaBackupScope(ConfigurationStore store, ApplicationServices services) : IAsyncDisposable
{
    private ConfigurationSession? _session;

    /// <summary>Who is asking; set before the first operation (the session keeps the actor it opened with).</summary>
    public Actor Actor { get; set; } = Actor.Anonymous(null);

    public ApplicationServices Services => services;

    /// <summary>Runs one of MetaBackup's operations for <see cref="Actor"/>.</summary>
    public async Task<TResult> RunAsync<TResult>(Operation<TResult> operation, CancellationToken cancellationToken) =>
        await new MetaBackupApplication(await SessionAsync(cancellationToken), services).RunAsync(operation, cancellationToken);

    /// <summary>The scope's session, opened on first use.</summary>
    public async Task<ConfigurationSession> SessionAsync(CancellationToken cancellationToken)
    {
        if (_session is not null && _session.Actor != Actor)
        {
            throw new InvalidOperationException("The actor changed after the session opened.");
        }

        return _session ??= await store.OpenAsync(Actor, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }
}
