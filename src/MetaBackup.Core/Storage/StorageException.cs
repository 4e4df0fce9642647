using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Storage;

/// <summary>A storage operation failed; the message names the destination and the cause.</summary>
public class StorageException(string message, string? hint = null, Exception? inner = null) : MetaBackupException(message, hint, inner);

/// <summary>The file asked for is not in the destination.</summary>
public sealed class StorageFileNotFoundException(string destination, string name)
    : StorageException($"'{name}' is not in {destination}.", "List what is there with `metabackup backups list --storage …`.");
