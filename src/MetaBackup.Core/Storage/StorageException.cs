using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Storage;

/// <summary>
/// A storage operation failed (<see cref="ErrorCode.StorageFailed"/>); the message names the destination and the cause. Each backend classifies
/// its failures: <see cref="Transient"/> when trying again may work (the network dropped, the service
/// said "slow down" or failed on its side, a timeout), not when it cannot (wrong credentials, permission
/// denied, a host key that is not the pinned one, a missing file). Only transient failures are retried
/// (<see cref="RetryingBackupStore"/>).
/// </summary>
public class StorageException(string message, string? hint = null, Exception? inner = null, bool transient = false, ErrorCode code = ErrorCode.StorageFailed)
    : MetaBackupException(message, hint, inner, code)
{
    public bool Transient { get; } = transient;
}

/// <summary>The file asked for is not in the destination.</summary>
public sealed class StorageFileNotFoundException(string destination, string name)
    : StorageException($"'{name}' is not in {destination}.", "List the backups in the destination.", code: ErrorCode.NotFound);
