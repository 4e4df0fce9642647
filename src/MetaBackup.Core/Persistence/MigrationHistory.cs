using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// Which migrations a database has applied, read straight from EF Core's history table. EF Core's own reading
/// (<c>GetAppliedMigrationsAsync</c>) first builds a model of that table with the provider's conventions — about
/// 70 ms of every command's start (docs/performance.md, "Start-up") for a handful of rows. Each provider says how
/// to ask whether the table exists (<see cref="IDatabaseProvider.AppliedMigrationsAsync"/>).
/// </summary>
public static class MigrationHistory
{
    public const string Table = HistoryRepository.DefaultTableName;

    /// <summary>The ids of the applied migrations, in order; none when <paramref name="tableExistsSql"/> (a count) finds no history table.</summary>
    public static Task<IReadOnlyList<string>> ReadAsync(ConfigurationDbContext context, string tableExistsSql, CancellationToken cancellationToken) =>
        RawCommand.RunAsync<IReadOnlyList<string>>(context, async command =>
        {
            command.CommandText = tableExistsSql;
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return [];
            }

            command.CommandText = $"SELECT \"{nameof(HistoryRow.MigrationId)}\" FROM \"{Table}\" ORDER BY \"{nameof(HistoryRow.MigrationId)}\"";
            var applied = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }

            return applied;
        }, cancellationToken);

    /// <summary>Whether this version knows migrations the database has not applied.</summary>
    public static bool HasPending(ConfigurationDbContext context, IReadOnlyList<string> applied) =>
        context.Database.GetMigrations().Except(applied, StringComparer.Ordinal).Any();
}
