using MetaBackup.Core.Configuration;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Persistence;
using MetaBackup.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Persistence;

public sealed class DatabaseErrorsTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    private IDatabaseProvider Database => Data.DatabaseProviders.For(_test.DataDirectory, name => _test.Environment.GetValueOrDefault(name));

    [Fact]
    public async Task A_record_deleted_by_another_command_meanwhile_is_a_conflict_to_run_again()
    {
        await using (var setup = await _test.InitializeAndOpenAsync())
        {
            await new GroupsService(setup).AddAsync("ops", null, []);
        }

        await using var late = await _test.OpenAsync();
        var group = await late.Db.Groups.SingleAsync();
        await using (var other = await _test.OpenAsync())
        {
            await new GroupsService(other).RemoveAsync("ops");
        }

        group.Description = "too late";
        var failure = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => late.Db.SaveChangesAsync());

        var conflict = DatabaseErrors.AsConflict(failure, Database);
        Assert.NotNull(conflict);
        Assert.Contains("nothing was changed", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_held_by_another_writer_longer_than_the_wait_is_a_conflict_to_run_again()
    {
        TestDatabase.RequireSqlite("SQLite's write lock");
        await (await _test.InitializeAndOpenAsync()).DisposeAsync();
        using var holder = new SqliteConnection($"Data Source={_test.DataDirectory.DatabasePath};Pooling=False");
        holder.Open();
        using var held = holder.BeginTransaction(); // BEGIN IMMEDIATE: the write lock
        using var waiter = new SqliteConnection($"Data Source={_test.DataDirectory.DatabasePath};Pooling=False;Default Timeout=1");
        waiter.Open();
        using var insert = waiter.CreateCommand();
        insert.CommandText = "INSERT INTO groups (Id, Name, Permissions, CreatedAt, UpdatedAt) VALUES ('x', 'x', '[]', '', '')";

        var failure = Assert.Throws<SqliteException>(() => insert.ExecuteNonQuery());

        var conflict = DatabaseErrors.AsConflict(new DbUpdateException("wrapped", failure), Database);
        Assert.NotNull(conflict);
        Assert.Contains("busy", conflict.Message, StringComparison.Ordinal);
        Assert.Null(DatabaseErrors.AsConflict(new InvalidInputException("not a database failure"), Database));
    }
}
