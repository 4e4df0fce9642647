using MetaBackup.Core.Persistence;
using MetaBackup.Data.Sqlite;
using MetaBackup.Data.Sqlite.CompiledModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The model the code declares, the compiled model commands start with, and the migrations must agree
/// (docs/development.md, "Database migrations"): a change to an entity without a new migration, or without the
/// compiled model made again, fails here rather than on an operator's database.
/// </summary>
public sealed class ModelTests
{
    [Fact]
    public void The_migrations_leave_no_change_of_the_model_pending()
    {
        using var db = Context(compiled: false);

        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration: add one (docs/development.md)");
    }

    [Fact]
    public void The_compiled_model_is_the_model_the_code_declares()
    {
        using var declared = Context(compiled: false);
        using var compiled = Context(compiled: true);

        Assert.Equal(Describe(declared.GetService<IDesignTimeModel>().Model), Describe(compiled.Model));
    }

    /// <summary>What the database sees of a model (tables, columns and their types, keys, indexes, foreign keys) and each property's converter.</summary>
    private static IEnumerable<string> Describe(IModel model) =>
        model.GetRelationalModel().Tables.SelectMany(table => (IEnumerable<string>)
        [
            $"table {table.Name}",
            .. table.Columns.Select(c => $"  {table.Name}.{c.Name} {c.StoreType}{(c.IsNullable ? " null" : "")}"),
            .. table.UniqueConstraints.Select(k => $"  unique {string.Join(",", k.Columns.Select(c => c.Name))}"),
            .. table.Indexes.Select(i => $"  index {i.Name} {string.Join(",", i.Columns.Select(c => c.Name))}{(i.IsUnique ? " unique" : "")}"),
            .. table.ForeignKeyConstraints.Select(f => $"  fk {string.Join(",", f.Columns.Select(c => c.Name))} -> {f.PrincipalTable.Name} {f.OnDeleteAction}"),
        ])
        .Concat(model.GetEntityTypes().SelectMany(e => e.GetProperties().Select(p => $"{e.Name}.{p.Name} {p.ClrType.Name} {p.GetValueConverter()?.GetType().Name}")))
        .Order(StringComparer.Ordinal);

    private static ConfigurationDbContext Context(bool compiled)
    {
        var options = new DbContextOptionsBuilder<ConfigurationDbContext>()
            .UseSqlite("Data Source=:memory:", sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name));
        if (compiled)
        {
            options.UseModel(ConfigurationDbContextModel.Instance);
        }

        return new ConfigurationDbContext(options.Options);
    }
}
