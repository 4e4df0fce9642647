using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MetaBackup.Core.Tests.Persistence;

public sealed class ConfigurationStoreTests : IDisposable
{
    private readonly TestStore _test = new(systemKeyHex: null);

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task Initialising_without_a_configured_key_generates_an_owner_only_key_file()
    {
        var result = await _test.Store().InitializeAsync();

        Assert.True(result.Created);
        Assert.Equal(_test.DataDirectory.SystemKeyPath, result.GeneratedKeyPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_test.DataDirectory.SystemKeyPath));
        if (!TestDatabase.IsPostgres)
        {
            // The SQLite file holds the configuration: owner-only too.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_test.DataDirectory.DatabasePath));
        }

        Assert.Equal(result.SystemKey.Fingerprint, AesKey.FromHex(await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath), "key").Fingerprint);
    }

    [Fact]
    public async Task A_new_SQLite_database_has_the_provider_s_page_size_and_is_in_WAL_mode()
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "The page size and the journal are SQLite's file format.");

        await _test.Store().InitializeAsync();

        // The file's header (sqlite.org/fileformat.html): the page size at byte 16, big-endian; 2 at bytes 18 and 19 for WAL.
        var header = new byte[20];
        await using (var file = File.OpenRead(_test.DataDirectory.DatabasePath))
        {
            await file.ReadExactlyAsync(header);
        }

        Assert.Equal(Data.Sqlite.SqliteDatabaseProvider.PageSize, (header[16] << 8) | header[17]);
        Assert.Equal(new byte[] { 2, 2 }, header[18..20]);
    }

    [Fact]
    public async Task Initialising_twice_keeps_the_key_and_the_data()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await new CredentialsService(session).AddAsync(new CredentialInput("kept"), new Dictionary<string, SecretText>());
        }

        var keyBefore = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);
        var again = await _test.Store().InitializeAsync();

        Assert.False(again.Created);
        Assert.Null(again.GeneratedKeyPath);
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath));
        await using var reopened = await _test.OpenAsync();
        Assert.Single(await new CredentialsService(reopened).ListAsync());
    }

    [Fact]
    public async Task A_configured_key_is_used_and_no_key_file_is_written()
    {
        _test.Environment["ENCRYPTION_KEY"] = TestKeys.A;

        var result = await _test.Store().InitializeAsync();

        Assert.Equal(TestKeys.FingerprintOf(TestKeys.A), result.SystemKey.Fingerprint);
        Assert.False(File.Exists(_test.DataDirectory.SystemKeyPath));
    }

    [Fact]
    public async Task A_key_file_named_by_ENCRYPTION_KEY_FILE_is_used()
    {
        var keyFile = Path.Combine(Path.GetDirectoryName(_test.DataDirectory.Root)!, "key.hex");
        await File.WriteAllTextAsync(keyFile, TestKeys.C + "\n");
        _test.Environment["ENCRYPTION_KEY_FILE"] = keyFile;

        var result = await _test.Store().InitializeAsync();

        Assert.Equal(TestKeys.FingerprintOf(TestKeys.C), result.SystemKey.Fingerprint);
    }

    [Fact]
    public async Task Opening_with_a_different_key_names_both_fingerprints_and_changes_no_byte()
    {
        _test.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var before = _test.DatabaseFiles();
        _test.Environment["ENCRYPTION_KEY"] = TestKeys.B;

        var error = await Assert.ThrowsAsync<SystemKeyException>(() => _test.OpenAsync());

        Assert.Contains(TestKeys.FingerprintOf(TestKeys.A), error.Message, StringComparison.Ordinal);
        Assert.Contains(TestKeys.FingerprintOf(TestKeys.B), error.Message, StringComparison.Ordinal);
        Assert.Contains("ENCRYPTION_KEY", error.Message, StringComparison.Ordinal);
        var after = _test.DatabaseFiles();
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before, file => Assert.Equal(file.Value, after[file.Key]));
    }

    [Fact]
    public async Task Initialising_again_with_a_different_key_is_refused_too()
    {
        _test.Environment["ENCRYPTION_KEY"] = TestKeys.A;
        await _test.Store().InitializeAsync();
        _test.Environment["ENCRYPTION_KEY"] = TestKeys.B;

        await Assert.ThrowsAsync<SystemKeyException>(() => _test.Store().InitializeAsync());
    }

    [Fact]
    public async Task A_lost_key_file_is_not_silently_replaced()
    {
        await _test.Store().InitializeAsync();
        var fingerprint = AesKey.FromHex(await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath), "key").Fingerprint;
        File.Delete(_test.DataDirectory.SystemKeyPath);

        var error = await Assert.ThrowsAsync<SystemKeyException>(() => _test.OpenAsync());

        Assert.Contains(fingerprint, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_test.DataDirectory.SystemKeyPath));
    }

    [Fact]
    public async Task An_uninitialised_directory_is_reported_and_left_alone()
    {
        var error = await Assert.ThrowsAsync<NotInitializedException>(() => _test.OpenAsync());

        Assert.Equal(ErrorCode.NotInitialized, error.Code);
        Assert.Contains("Initialise", error.Hint, StringComparison.Ordinal);
        Assert.False(_test.DatabaseExists());
    }

    /// <summary>
    /// Issue 8.2: EF Core's SQLite migration lock is a row; a process killed while migrating leaves it and
    /// every later migration waited for it forever. Here the database is put back one migration, as an
    /// upgrade finds it, with such a row left behind: opening it finishes the upgrade.
    /// </summary>
    [Fact]
    public async Task An_upgrade_that_finds_a_migration_lock_left_by_a_killed_process_clears_it_and_finishes()
    {
        TestDatabase.RequireSqlite("EF Core's migration lock row");
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await new CredentialsService(session).AddAsync(new CredentialInput("kept"), new Dictionary<string, SecretText>());
        }

        await using (var db = _test.Store().NewContext())
        {
            // Back to the migration before the newest, as a database of the previous version would be.
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(migrations[^2]);
        }

        _test.Execute("CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY, \"Timestamp\" TEXT NOT NULL)");
        _test.Execute("INSERT INTO \"__EFMigrationsLock\" VALUES (1, '2026-11-25 03:00:00')");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using (var session = await _test.Store().OpenAsync(patience.Token))
        {
            Assert.Single(await new CredentialsService(session).ListAsync());
            Assert.Empty(session.Db.TaskRuns);
            Assert.Empty(await session.Db.Database.GetPendingMigrationsAsync());
        }

        Assert.Equal(0, _test.Execute("DELETE FROM \"__EFMigrationsLock\""));
    }

    [Fact]
    public async Task Initialising_after_an_init_killed_before_its_database_existed_uses_its_key_says_so_and_leaves_no_temporary_file()
    {
        TestDatabase.RequireSqlite("the database built under a temporary name");
        Directory.CreateDirectory(_test.DataDirectory.Root);
        var key = AesKey.Generate();
        await File.WriteAllTextAsync(_test.DataDirectory.SystemKeyPath, key.ToHex() + "\n");
        await File.WriteAllTextAsync(_test.DataDirectory.DatabasePath + ".init-0123456789abcdef0123456789abcdef", "half a database");

        var result = await _test.Store().InitializeAsync();

        Assert.True(result.Created);
        Assert.Equal(key.Fingerprint, result.SystemKey.Fingerprint);
        Assert.Equal(_test.DataDirectory.SystemKeyPath, result.GeneratedKeyPath);
        Assert.Empty(Directory.GetFiles(_test.DataDirectory.Root, "metabackup.db.init-*"));
        await using var session = await _test.OpenAsync();
        Assert.Equal(key.Fingerprint, session.SystemKey.Fingerprint);
    }
}
