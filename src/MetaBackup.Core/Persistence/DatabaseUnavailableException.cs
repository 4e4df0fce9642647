using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// The configuration database cannot be reached, or refused the connection (docs/database.md). The message names the
/// database as its provider describes it — never the connection setting, which may hold a password.
/// </summary>
public sealed class DatabaseUnavailableException(string database, string reason, Exception? inner = null)
    : MetaBackupException(
        $"The configuration database ({database}) is unavailable: {reason}. Nothing was changed.",
        $"Check {DatabaseSetting.Variable} and its password, and that the database server is running and reachable from here.",
        inner,
        ErrorCode.DatabaseUnavailable);
