using System.Data.Common;
using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// Database failures that mean "someone else": another command held the database for longer than this
/// one would wait, or changed a record this one was changing. Both are <see cref="ConflictException"/>s
/// — the transaction rolled back, nothing changed, running again will do. Which database errors mean
/// "busy" is the provider's to say (<see cref="IDatabaseProvider.IsBusy"/>).
/// </summary>
public static class DatabaseErrors
{
    public static ConflictException? AsConflict(Exception failure, IDatabaseProvider database)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbUpdateConcurrencyException:
                    return new ConflictException(
                        "Another command changed or deleted a record this one was changing; nothing was changed.",
                        "Run it again: it will see the configuration as it is now.",
                        failure);
                case DbException busy when database.IsBusy(busy):
                    return new ConflictException(
                        "The configuration database stayed busy: another process (an import, a key rotation, the server) is changing it; nothing was changed.",
                        "Run it again when that command has finished.",
                        failure);
            }
        }

        return null;
    }
}
