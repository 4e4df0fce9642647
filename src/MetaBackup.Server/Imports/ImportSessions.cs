using System.Collections.Concurrent;
using System.Security.Cryptography;
using MetaBackup.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaBackup.Server.Imports;

/// <summary>
/// The server's import sessions (docs/api.md, "Import sessions"), in memory: each is seen only by its owner; one not
/// used for <see cref="ServerSettings.ImportSessionIdle"/> expires, and its staged file is removed. A session that
/// outlives its server is not lost silently: its staged file is an abandoned staging area, removed at the next start.
/// </summary>
public sealed class ImportSessions(ServerSettings settings, ILogger<ImportSessions> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ImportSession> _sessions = new(StringComparer.Ordinal);

    public ImportSession Add(string owner, string source, IDisposable staging, string path)
    {
        var session = new ImportSession(RandomNumberGenerator.GetHexString(32, lowercase: true), owner, source, staging, path) { LastUsed = settings.Clock.GetUtcNow() };
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The session, if it exists and belongs to <paramref name="owner"/>; another's is as absent as a missing one.</summary>
    public ImportSession Get(string id, string owner)
    {
        if (_sessions.TryGetValue(id, out var expired) && ExpiresAt(expired) <= settings.Clock.GetUtcNow() && expired.Gate.CurrentCount == 1)
        {
            End(expired);
        }

        if (!_sessions.TryGetValue(id, out var session) || session.Owner != owner)
        {
            throw new MetaBackupException(
                $"There is no import session {id}.",
                "It may have expired (after a while unused) or been finished; start a new one.",
                null,
                ErrorCode.NotFound,
                new Dictionary<string, string> { ["importSession"] = id });
        }

        session.LastUsed = settings.Clock.GetUtcNow();
        return session;
    }

    public DateTimeOffset ExpiresAt(ImportSession session) => session.LastUsed + settings.ImportSessionIdle;

    /// <summary>Ends a session and removes its staged file.</summary>
    public void End(ImportSession session)
    {
        if (_sessions.TryRemove(session.Id, out _))
        {
            session.Dispose();
        }
    }

    /// <summary>Ends the sessions unused for too long; returns how many.</summary>
    public int EndExpired()
    {
        var now = settings.Clock.GetUtcNow();
        var expired = _sessions.Values.Where(s => ExpiresAt(s) <= now && s.Gate.CurrentCount == 1).ToList();
        foreach (var session in expired)
        {
            End(session);
            logger.LogInformation("Import session {Id} expired; its staged backup was removed", session.Id);
        }

        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), settings.Clock, stoppingToken);
                EndExpired();
            }
        }
        finally
        {
            foreach (var session in _sessions.Values.ToList())
            {
                End(session);
            }
        }
    }
}
