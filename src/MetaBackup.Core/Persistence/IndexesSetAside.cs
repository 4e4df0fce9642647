using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Persistence;

/// <summary>
/// The secondary indexes of the configuration's tables — every area's, and the tables of the rows its records own —
/// dropped inside the current transaction while records are loaded into an empty configuration, and made again by
/// <see cref="RestoreAsync"/> once they are in, before anything reads them by an index (docs/database.md, "Loading in
/// bulk"). A unique index made again over rows that break it fails, and the transaction is rolled back with the
/// indexes; where the database gains nothing by it (<see cref="IDatabaseProvider.DropIndexesForBulkLoadAsync"/>),
/// nothing is dropped.
/// </summary>
internal sealed class IndexesSetAside
{
    private readonly ConfigurationDbContext _db;
    private IReadOnlyList<string> _statements;

    private IndexesSetAside(ConfigurationDbContext db, IReadOnlyList<string> statements)
    {
        _db = db;
        _statements = statements;
    }

    public static async Task<IndexesSetAside> DropAsync(ConfigurationDbContext db, IDatabaseProvider database, CancellationToken cancellationToken)
    {
        var areaTypes = ConfigurationAreas.All.Select(a => a.EntityType).ToHashSet();
        var tables = db.Model.GetEntityTypes()
            .Where(type => areaTypes.Contains(type.ClrType) || (type.FindOwnership() is { } owner && areaTypes.Contains(owner.PrincipalEntityType.ClrType)))
            .Select(type => type.GetTableName())
            .OfType<string>()
            .ToHashSet();
        return new IndexesSetAside(db, await database.DropIndexesForBulkLoadAsync(db, tables, cancellationToken));
    }

    /// <summary>Makes the indexes again, each as it was made; once.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var statement in _statements)
        {
            await RawCommand.RunAsync(_db, command =>
            {
                command.CommandText = statement;
                return command.ExecuteNonQueryAsync(cancellationToken);
            }, cancellationToken);
        }

        _statements = [];
    }
}
