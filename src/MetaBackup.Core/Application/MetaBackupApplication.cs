using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;

namespace MetaBackup.Core.Application;

/// <summary>The caller may not run the operation.</summary>
public sealed class ForbiddenException(string message, IReadOnlyDictionary<string, string> details)
    : MetaBackupException(message, "Ask an administrator for the permission, or use an account that has it.", null, ErrorCode.Forbidden, details);

/// <summary>
/// The one way into MetaBackup's use cases, for every front end (docs/architecture.md, "Application
/// layer"): runs an <see cref="Operation{TResult}"/> for the session's actor after checking the permission
/// it declares — a refusal is audited and changes nothing — and records its audit entry with the change it
/// makes. A failed operation leaves nothing behind in the session for a later save to pick up.
/// </summary>
public sealed class MetaBackupApplication(ConfigurationSession session, ApplicationServices services)
{
    public ConfigurationSession Session => session;

    public ApplicationServices Services => services;

    public async Task<TResult> RunAsync<TResult>(Operation<TResult> operation, CancellationToken cancellationToken = default)
    {
        var name = OperationName(operation);
        if (operation.RequiredPermissions.FirstOrDefault(p => !session.Actor.May(p)) is { } missing)
        {
            session.Db.ChangeTracker.Clear();
            session.Audit("permission.denied", $"{name} needs {missing}");
            await session.Db.SaveChangesAsync(CancellationToken.None);
            throw new ForbiddenException(
                $"{session.Actor.Name} may not {Describe(name)}: that needs the permission {missing}.",
                new Dictionary<string, string> { ["operation"] = name, ["permission"] = missing });
        }

        if (operation.Audit is { } entry)
        {
            session.Audit(entry.Action, entry.Target);
        }

        try
        {
            var result = await operation.RunAsync(new OperationContext(session, services), cancellationToken);

            // An operation that writes nothing itself (an export) still leaves its audit entry to save.
            if (session.Db.ChangeTracker.HasChanges())
            {
                await session.Db.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
        catch (Exception failure) when (session.AsConflict(failure) is { } conflict)
        {
            session.Db.ChangeTracker.Clear();
            throw conflict;
        }
        catch (Format.BackupFileException refused)
        {
            // A backup file refused by the format — damaged, truncated, a wrong key — is a refused backup to every front end.
            session.Db.ChangeTracker.Clear();
            throw new MetaBackupException(refused.Message, refused.Hint, refused, ErrorCode.BackupRefused, new Dictionary<string, string> { ["problem"] = refused.Problem.ToString() });
        }
        catch
        {
            session.Db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>The operation's type name, e.g. <c>AddGroup</c>.</summary>
    public static string OperationName(object operation) => operation.GetType().Name;

    /// <summary>"AddGroup" → "add group", for messages.</summary>
    private static string Describe(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? $" {char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
