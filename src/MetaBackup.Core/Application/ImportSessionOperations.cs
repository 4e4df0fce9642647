using System.Security.Cryptography;
using System.Text.Json;
using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;
using MetaBackup.Core.IO;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Application;

/// <summary>An import session as front ends show it: never the key, never the backup's content.</summary>
public sealed record ImportSessionView(
    string Id,
    string Source,
    ImportSessionState State,
    BackupSummary? Backup,
    string? Refusal,
    PlanView? Plan,
    ImportOutcome? Result,
    DateTimeOffset ExpiresAt);

/// <summary>Starts an import session with an uploaded backup (at most <see cref="ImportLimits.MaxUploadBytes"/>), staged owner-only, and validates it.</summary>
public sealed record StartImportUpload(Stream Body, string? Name) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var session = sessions.New(Path.GetFileName(Name) is { Length: > 0 } name ? name : "upload");
        try
        {
            await using (var file = PrivateFile.CreateNew(sessions.PathOf(session)))
            {
                await CopyAtMostAsync(Body, file, context, cancellationToken);
            }

            return await sessions.StartAsync(session, cancellationToken);
        }
        catch
        {
            sessions.RemoveFiles(session);
            throw;
        }
    }

    private static async Task CopyAtMostAsync(Stream from, Stream to, OperationContext context, CancellationToken cancellationToken)
    {
        var limit = context.Services.Imports.MaxUploadBytes;
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw context.Services.Imports.UploadTooLarge();
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}

/// <summary>Starts an import session with a backup in a storage destination (copied into the session's directory) and validates it.</summary>
public sealed record StartImportFromDestination(string Storage, string File) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var adapters = new AdaptersService(context.Session);
        var adapter = await adapters.FindOfKindAsync(Storage, AdapterKind.Storage, "The backup's destination", cancellationToken);
        var store = await adapters.StoreForAsync(adapter, context.Services.Stores, cancellationToken: cancellationToken);
        var sessions = new ImportSessionStore(context);
        var session = sessions.New(StorageNames.Check(File), $"{adapter.Name}:{File}");
        try
        {
            using (var staged = await new StorageExport(context.Session, context.DataDirectory).DownloadAsync(store, File, cancellationToken))
            {
                System.IO.File.Move(staged.Path, sessions.PathOf(session));
                if (System.IO.File.Exists(BackupSidecar.NameFor(staged.Path)))
                {
                    System.IO.File.Move(BackupSidecar.NameFor(staged.Path), BackupSidecar.NameFor(sessions.PathOf(session)));
                }
            }

            return await sessions.StartAsync(session, cancellationToken);
        }
        catch
        {
            sessions.RemoveFiles(session);
            throw;
        }
    }
}

/// <summary>Where the caller's import session stands.</summary>
public sealed record ShowImportSession(string Id) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        return await sessions.TouchAsync(await sessions.FindAsync(Id, cancellationToken), cancellationToken);
    }
}

/// <summary>
/// Supplies the key for the session's backup (a Recovery Kit or a bare key) and validates it again with it. A wrong key is
/// refused (<see cref="ErrorCode.BackupRefused"/>, naming both fingerprints) and changes nothing: the session still waits.
/// </summary>
public sealed record SupplyImportKey(string Id, SuppliedKey Key) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var session = await sessions.FindOpenAsync(Id, cancellationToken);
        var report = await sessions.ValidateAsync(session, Key.Key, cancellationToken);
        session.SuppliedKey = context.Session.Secrets.Seal(new SecretText(Key.Key.ToHex()));
        sessions.Accept(session, report);
        return await sessions.TouchAsync(session, cancellationToken);
    }
}

/// <summary>Plans the import for a mode, areas and records; changes nothing but the session, which keeps the plan to apply.</summary>
public sealed record PlanImportSession(string Id, ImportMode Mode, IReadOnlyList<string>? Areas = null, IReadOnlyList<string>? Ids = null) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var session = await sessions.FindOpenAsync(Id, cancellationToken);
        if (session.State is ImportSessionState.NeedsKey or ImportSessionState.Refused)
        {
            throw new MetaBackupException(session.Refusal ?? "The backup has not passed validation.", "Supply the right key first.", null, ErrorCode.BackupRefused,
                new Dictionary<string, string> { ["needsKey"] = session.State == ImportSessionState.NeedsKey ? "true" : "" });
        }

        var options = new ImportOptions(Mode, Areas is { Count: > 0 } ? Areas : null, Ids is { Count: > 0 } ? Ids : null, DryRun: true);
        var result = await context.Importer().ImportConfigAsync(sessions.PathOf(session), options, sessions.KeyOf(session), null, cancellationToken);
        session.PlanOptions = ImportSessionStore.Json(options with { DryRun = false });
        session.Plan = ImportSessionStore.Json(PlanView.Of(result.Plan));
        session.Backup = ImportSessionStore.Json(BackupSummary.Of(result.Source, result.Plan));
        session.State = ImportSessionState.Planned;
        return await sessions.TouchAsync(session, cancellationToken);
    }
}

/// <summary>
/// Applies exactly the plan the session last showed — named by its digest — after a safety snapshot, in one transaction;
/// refused as stale when the configuration changed since (docs/recovery.md). The staged backup is removed; the result is
/// kept in the session for its owner to read.
/// </summary>
public sealed record ApplyImportSession(string Id, string PlanDigest, Action<string>? Progress = null) : Operation<ImportSessionView>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<ImportSessionView> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var session = await sessions.FindOpenAsync(Id, cancellationToken);
        if (session.State != ImportSessionState.Planned || session.PlanOptions is null)
        {
            throw new InvalidInputException("There is no plan to apply yet.", "Ask for a plan first, read it, then apply it by its digest.", new Dictionary<string, string> { ["field"] = "planDigest" });
        }

        var options = JsonSerializer.Deserialize<ImportOptions>(session.PlanOptions, SecretMasking.Options)!;
        var result = await context.Importer().ImportConfigAsync(sessions.PathOf(session), options, sessions.KeyOf(session), Progress, cancellationToken, PlanDigest);
        var outcome = new ImportOutcome(BackupSummary.Of(result.Source, result.Plan), PlanView.Of(result.Plan), result.Applied, result.SafetySnapshot);
        context.Session.Db.ChangeTracker.Clear();
        var applied = await sessions.FindAsync(Id, cancellationToken);
        applied.State = ImportSessionState.Applied;
        applied.Result = ImportSessionStore.Json(outcome);
        applied.SuppliedKey = null;
        sessions.RemoveFiles(applied);
        return await sessions.TouchAsync(applied, cancellationToken);
    }
}

/// <summary>Ends the caller's import session and removes its staged backup.</summary>
public sealed record EndImportSession(string Id) : Operation<Done>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var session = await sessions.FindAsync(Id, cancellationToken);
        sessions.RemoveFiles(session);
        context.Session.Db.ImportSessions.Remove(session);
        await context.Session.Db.SaveChangesAsync(cancellationToken);
        return Done.Value;
    }
}

/// <summary>Ends every import session unused for longer than <see cref="ImportLimits.Idle"/>, and removes staged backups no session owns; returns how many sessions ended.</summary>
public sealed record EndExpiredImportSessions : Operation<int>
{
    public override string Permission => Permissions.ConfigImport;

    internal override async Task<int> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var sessions = new ImportSessionStore(context);
        var all = await context.Session.Db.ImportSessions.ToListAsync(cancellationToken);
        var expired = all.Where(sessions.IsExpired).ToList();
        foreach (var session in expired)
        {
            sessions.RemoveFiles(session);
        }

        context.Session.Db.ImportSessions.RemoveRange(expired);
        await context.Session.Db.SaveChangesAsync(cancellationToken);
        sessions.RemoveOrphans(all.Except(expired).Select(s => s.Id).ToHashSet());
        return expired.Count;
    }
}

/// <summary>The import sessions of the database and their staged files, for the operations above.</summary>
internal sealed class ImportSessionStore(OperationContext context)
{
    private DateTimeOffset Now => context.Session.Clock.GetUtcNow();

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SecretMasking.Options);

    /// <summary>A new session with its owner-only directory; not saved until it validated (or was refused).</summary>
    public ImportSession New(string fileName, string? source = null)
    {
        var session = new ImportSession
        {
            Id = RandomNumberGenerator.GetHexString(32, lowercase: true),
            Owner = context.Actor.Name,
            Source = source ?? fileName,
            FileName = SafeName(fileName),
            CreatedAt = Now,
            LastUsedAt = Now,
        };
        PrivateFile.CreateDirectory(context.DataDirectory.ImportsDirectory);
        PrivateFile.CreateDirectory(DirectoryOf(session));
        return session;
    }

    public string PathOf(ImportSession session) => System.IO.Path.Combine(DirectoryOf(session), session.FileName);

    /// <summary>Validates the new session's backup with the vault's keys and saves it, valid or not: the state says what to do next.</summary>
    public async Task<ImportSessionView> StartAsync(ImportSession session, CancellationToken cancellationToken)
    {
        try
        {
            Accept(session, await ValidateAsync(session, null, cancellationToken));
        }
        catch (MetaBackupException e) when (e.Code == ErrorCode.BackupRefused)
        {
            session.State = e.Details.ContainsKey("needsKey") ? ImportSessionState.NeedsKey : ImportSessionState.Refused;
            session.Refusal = e.Message;
        }

        context.Session.Db.ImportSessions.Add(session);
        return await TouchAsync(session, cancellationToken);
    }

    public async Task<ValidationReport> ValidateAsync(ImportSession session, AesKey? key, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Importer().ValidateImportAsync(PathOf(session), key ?? KeyOf(session), cancellationToken);
        }
        catch (Format.BackupFileException refused)
        {
            throw new MetaBackupException(refused.Message, refused.Hint, refused, ErrorCode.BackupRefused, new Dictionary<string, string> { ["problem"] = refused.Problem.ToString() });
        }
    }

    public void Accept(ImportSession session, ValidationReport report)
    {
        session.State = ImportSessionState.Valid;
        session.Refusal = null;
        session.Backup = Json(BackupSummary.Of(report.Source, report.Plan));
        session.Plan = null;
        session.PlanOptions = null;
    }

    public AesKey? KeyOf(ImportSession session) =>
        session.SuppliedKey is { } sealedKey && context.Session.Secrets.TryOpen(sealedKey) is { } hex ? AesKey.FromHex(hex.Reveal(), "the key supplied earlier") : null;

    /// <summary>The caller's session; another's, or an expired one, is as absent as a missing one.</summary>
    public async Task<ImportSession> FindAsync(string id, CancellationToken cancellationToken)
    {
        var session = await context.Session.Db.ImportSessions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is not null && IsExpired(session))
        {
            // Gone the moment it expires, not at the next sweep.
            RemoveFiles(session);
            context.Session.Db.ImportSessions.Remove(session);
            await context.Session.Db.SaveChangesAsync(cancellationToken);
            session = null;
        }

        if (session is null || session.Owner != context.Actor.Name)
        {
            throw new MetaBackupException(
                $"There is no import session {id}.",
                "It may have expired (after a while unused) or been ended; start a new one.",
                null,
                ErrorCode.NotFound,
                new Dictionary<string, string> { ["importSession"] = id });
        }

        return session;
    }

    /// <summary>The caller's session, still open to keys, plans and apply (not yet applied).</summary>
    public async Task<ImportSession> FindOpenAsync(string id, CancellationToken cancellationToken)
    {
        var session = await FindAsync(id, cancellationToken);
        return session.State == ImportSessionState.Applied
            ? throw new ConflictException("This import session was already applied.", "Start a new one to import again.", details: new Dictionary<string, string> { ["importSession"] = id })
            : session;
    }

    public bool IsExpired(ImportSession session) => session.LastUsedAt + context.Services.Imports.Idle <= Now;

    /// <summary>Marks the session used now, saves it, and shows it.</summary>
    public async Task<ImportSessionView> TouchAsync(ImportSession session, CancellationToken cancellationToken)
    {
        session.LastUsedAt = Now;
        await context.Session.Db.SaveChangesAsync(cancellationToken);
        return new ImportSessionView(
            session.Id,
            session.Source,
            session.State,
            Read<BackupSummary>(session.Backup),
            session.Refusal,
            Read<PlanView>(session.Plan),
            Read<ImportOutcome>(session.Result),
            session.LastUsedAt + context.Services.Imports.Idle);
    }

    public void RemoveFiles(ImportSession session)
    {
        if (Directory.Exists(DirectoryOf(session)))
        {
            Directory.Delete(DirectoryOf(session), recursive: true);
        }
    }

    /// <summary>Removes session directories no session owns (a session ended while its server was down, or never saved).</summary>
    public void RemoveOrphans(IReadOnlySet<string> live)
    {
        if (!Directory.Exists(context.DataDirectory.ImportsDirectory))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(context.DataDirectory.ImportsDirectory))
        {
            var id = System.IO.Path.GetFileName(directory);
            if (!live.Contains(id) && Directory.GetLastWriteTimeUtc(directory) < Now.UtcDateTime - TimeSpan.FromMinutes(10))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private string DirectoryOf(ImportSession session) => System.IO.Path.Combine(context.DataDirectory.ImportsDirectory, session.Id);

    private static T? Read<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, SecretMasking.Options);

    private static string SafeName(string name)
    {
        var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');
        return safe.Length is > 0 and <= 200 ? safe : "backup";
    }
}
