using System.Data.Common;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The import's verification leaves to the database the references held in foreign keys (<see cref="ForeignKeyReferences"/>,
/// docs/performance.md, "Import"); it may only because the database does refuse a dangling one, on either database.
/// </summary>
public sealed class ForeignKeyReferencesTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task Every_declared_reference_of_a_record_is_a_foreign_key_and_a_setting_that_names_a_record_is_not()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var model = session.Db.Model;
        var declared = ConfigurationAreas.All.SelectMany(a => a.References.Select(r => (Area: a, Reference: r))).ToList();
        Assert.Equal(8, declared.Count);
        Assert.All(declared, d => Assert.True(ForeignKeyReferences.KeyOf(model, d.Area, d.Reference) is not null, $"{d.Area.Name}.{d.Reference.Path}"));
        Assert.NotEmpty(Settings.SettingKeys.References);
        Assert.All(Settings.SettingKeys.References.Values, r => Assert.True(ForeignKeyReferences.KeyOf(model, ConfigurationAreas.Settings, r) is null, r.Path));
    }

    [Fact]
    public async Task The_database_refuses_a_dangling_value_in_every_reference_the_verification_leaves_to_it()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var db = session.Db;
        var sql = db.GetService<ISqlGenerationHelper>();
        var refused = 0;
        foreach (var area in ConfigurationAreas.All)
        {
            foreach (var reference in area.References)
            {
                var key = ForeignKeyReferences.KeyOf(db.Model, area, reference);
                Assert.NotNull(key);
                var holder = (IEntityType)key.DeclaringEntityType;
                var table = StoreObjectIdentifier.Table(holder.GetTableName()!, holder.GetSchema());
                var name = sql.DelimitIdentifier(table.Name, table.Schema);
                var column = sql.DelimitIdentifier(key.Properties.Single().GetColumnName(table)!);

                await using var transaction = await db.Database.BeginTransactionAsync();
                var count = "SELECT COUNT(*) AS " + sql.DelimitIdentifier("Value") + " FROM " + name;
                var rows = await db.Database.SqlQueryRaw<int>(count).SingleAsync();
                Assert.True(rows > 0, $"the sample configuration has no row in {table.Name}");
                var dangle = "UPDATE " + name + " SET " + column + " = 'no-such-record'";
                var failure = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync(dangle));
                Assert.Contains("foreign key", failure.Message, StringComparison.OrdinalIgnoreCase);
                await transaction.RollbackAsync();
                refused++;
            }
        }

        Assert.Equal(8, refused);
    }
}
