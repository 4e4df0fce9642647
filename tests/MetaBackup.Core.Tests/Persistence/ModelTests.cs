using MetaBackup.Core.Persistence;
using MetaBackup.Data.Postgres;
using MetaBackup.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MetaBackup.Core.Tests.Persistence;

/// <summary>
/// The model the code declares, the compiled model commands start with, and the migrations must agree
/// (docs/development.md, "Database migrations"): a change to an entity without a new migration, or without the
/// compiled model made again, fails here rather than on an operator's database. Each provider has its own migrations and
/// compiled model; both are checked whatever database the tests run on (no connection is made).
/// </summary>
public sealed class ModelTests
{
    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_migrations_leave_no_change_of_the_model_pending(string provider)
    {
        using var db = Context(provider, compiled: false);

        Assert.False(db.Database.HasPendingModelChanges(), $"the model changed without a {provider} migration: add one (docs/development.md)");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_compiled_model_is_the_model_the_code_declares(string provider)
    {
        using var declared = Context(provider, compiled: false);
        using var compiled = Context(provider, compiled: true);

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

    private static ConfigurationDbContext Context(string provider, bool compiled)
    {
        var options = new DbContextOptionsBuilder<ConfigurationDbContext>();
        if (provider == "sqlite")
        {
            options.UseSqlite("Data Source=:memory:", sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name));
            if (compiled)
            {
                options.UseModel(Data.Sqlite.CompiledModel.ConfigurationDbContextModel.Instance);
            }
        }
        else
        {
            options.UseNpgsql("Host=localhost;Database=model", npgsql => npgsql.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name));
            if (compiled)
            {
                options.UseModel(Data.Postgres.CompiledModel.ConfigurationDbContextModel.Instance);
            }
        }

        return new ConfigurationDbContext(options.Options);
    }
}
