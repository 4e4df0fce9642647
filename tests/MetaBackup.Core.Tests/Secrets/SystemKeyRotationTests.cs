using MetaBackup.Core.Configuration;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Secrets;

public sealed class SystemKeyRotationTests : IDisposable
{
    private readonly TestStore _test = new(systemKeyHex: null);

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task After_rotation_every_secret_opens_under_the_new_key_and_none_under_the_old()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var oldKey = AesKey.FromHex(await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath), "old");
        var before = await ReadAllSecretsAsync(new SecretCipher(oldKey));
        var newKey = AesKey.Generate();

        RotationResult result;
        await using (var session = await _test.OpenAsync())
        {
            result = await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }

        Assert.Equal(before.Count, result.SecretsResealed);
        Assert.True(result.KeyFileUpdated);
        Assert.Equal(newKey.ToHex(), (await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath)).Trim());
        Assert.False(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
        Assert.Equal(before, await ReadAllSecretsAsync(new SecretCipher(newKey)));
        await using (var session = await _test.OpenAsync())
        {
            Assert.Equal(newKey.Fingerprint, session.SystemKey.Fingerprint);
            foreach (var envelope in await EnvelopesAsync(session))
            {
                Assert.Throws<SecretDecryptionException>(() => new SecretCipher(oldKey).Open(envelope));
            }
        }
    }

    /// <summary>The server's sign-in keys are sealed under the system key too (docs/secrets.md): a rotation must not leave them behind.</summary>
    [Fact]
    public async Task Rotation_seals_the_servers_sign_in_keys_again()
    {
        const string Xml = "<key id=\"k1\"><masterKey>secret</masterKey></key>";
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            session.Db.ServerKeys.Add(new Core.Access.ServerKey { Name = "k1", Xml = session.Secrets.Seal(new SecretText(Xml)) });
            await session.Db.SaveChangesAsync();
        }

        var newKey = AesKey.Generate();
        await using (var session = await _test.OpenAsync())
        {
            await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }

        await using var after = await _test.OpenAsync();
        var stored = await after.Db.ServerKeys.AsNoTracking().SingleAsync();
        Assert.Equal(Xml, new SecretCipher(newKey).Open(stored.Xml).Reveal());
    }

    [Fact]
    public async Task A_failure_midway_leaves_every_secret_and_the_key_as_they_were()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        // Damage the last area's secret, so the rotation fails after re-sealing most others in its transaction.
        _test.Execute("UPDATE api_keys SET \"KeyHash\" = substr(\"KeyHash\", 1, length(\"KeyHash\") - 4) || 'AAAA'");
        var dumpBefore = _test.Dump();
        var keyBefore = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);

        await using (var session = await _test.OpenAsync())
        {
            var error = await Assert.ThrowsAsync<MetaBackupException>(() => new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(AesKey.Generate()));
            Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(dumpBefore, _test.Dump());
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath));
        Assert.False(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
        await using var reopened = await _test.OpenAsync();
        Assert.Equal(AesKey.FromHex(keyBefore, "key").Fingerprint, reopened.SystemKey.Fingerprint);
    }

    [Fact]
    public async Task A_rotation_cut_short_after_its_commit_is_finished_at_the_next_start()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var oldKeyText = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);
        var newKey = AesKey.Generate();
        await using (var session = await _test.OpenAsync())
        {
            await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }

        // The state a crash between the commit and the key-file swap leaves behind.
        await File.WriteAllTextAsync(_test.DataDirectory.PendingSystemKeyPath, newKey.ToHex());
        await File.WriteAllTextAsync(_test.DataDirectory.SystemKeyPath, oldKeyText);

        await using (var session = await _test.OpenAsync())
        {
            Assert.Equal(newKey.Fingerprint, session.SystemKey.Fingerprint);
        }

        Assert.Equal(newKey.ToHex(), (await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath)).Trim());
        Assert.False(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
    }

    [Fact]
    public async Task A_key_staged_by_a_rotation_that_never_committed_is_discarded()
    {
        await (await _test.InitializeAndOpenAsync()).DisposeAsync();
        await File.WriteAllTextAsync(_test.DataDirectory.PendingSystemKeyPath, AesKey.Generate().ToHex());
        var keyBefore = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);

        await (await _test.OpenAsync()).DisposeAsync();

        Assert.False(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
        Assert.Equal(keyBefore, await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath));
    }

    /// <summary>
    /// The fault of issue 8.1: while a rotation's transaction ran, any other open of the store saw the
    /// current key match the stored fingerprint and deleted the staged key, so the rotation committed
    /// to a key that existed nowhere. Here a second opener loops for the whole rotation.
    /// </summary>
    [Fact]
    public async Task A_rotation_beside_another_opener_in_a_loop_keeps_every_secret()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
            await AddCredentialsAsync(session, 3000);
        }

        var oldKey = AesKey.FromHex(await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath), "old");
        var before = await ReadAllSecretsAsync(new SecretCipher(oldKey));
        var newKey = AesKey.Generate();
        using var rotated = new CancellationTokenSource();
        var opens = 0;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var opener = Task.Run(async () =>
        {
            while (!rotated.IsCancellationRequested)
            {
                await (await _test.OpenAsync()).DisposeAsync();
                opens++;
                running.TrySetResult();
            }
        });

        // The rotation starts once the other opener is looping (on a busy machine it may take a moment to get a thread).
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            await using var session = await _test.OpenAsync();
            await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }
        finally
        {
            await rotated.CancelAsync();
            await opener;
        }

        Assert.True(opens > 1, $"the other opener never ran during the rotation ({opens} opens)");
        Assert.Equal(newKey.ToHex(), (await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath)).Trim());
        Assert.Equal(before, await ReadAllSecretsAsync(new SecretCipher(newKey)));
        _test.Environment["ENCRYPTION_KEY"] = oldKey.ToHex();
        await Assert.ThrowsAsync<SystemKeyException>(() => _test.OpenAsync());
    }

    [Fact]
    public async Task An_open_while_a_rotation_holds_its_lock_leaves_the_staged_key_alone()
    {
        await (await _test.InitializeAndOpenAsync()).DisposeAsync();
        var staged = AesKey.Generate();
        using (_test.Store().Keys.TryLockRotation())
        {
            _test.Store().Keys.StagePending(staged);

            await (await _test.OpenAsync()).DisposeAsync();

            Assert.Equal(staged.ToHex(), (await File.ReadAllTextAsync(_test.DataDirectory.PendingSystemKeyPath)).Trim());
        }
    }

    [Fact]
    public async Task An_open_between_a_rotations_commit_and_its_key_swap_uses_the_new_key_and_moves_no_file()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var oldKeyText = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);
        var newKey = AesKey.Generate();
        await using (var session = await _test.OpenAsync())
        {
            await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }

        // The moment after the commit, while the rotation still holds its lock and has not swapped the files.
        await File.WriteAllTextAsync(_test.DataDirectory.SystemKeyPath, oldKeyText);
        using (_test.Store().Keys.TryLockRotation())
        {
            await File.WriteAllTextAsync(_test.DataDirectory.PendingSystemKeyPath, newKey.ToHex());

            await using (var session = await _test.OpenAsync())
            {
                Assert.Equal(newKey.Fingerprint, session.SystemKey.Fingerprint);
            }

            Assert.True(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
            Assert.Equal(oldKeyText, await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath));
        }
    }

    [Fact]
    public async Task A_secret_sealed_under_the_old_key_by_a_command_that_opened_before_the_rotation_is_refused()
    {
        await using (var session = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(session);
        }

        var newKey = AesKey.Generate();
        await using var stale = await _test.OpenAsync();
        await using (var session = await _test.OpenAsync())
        {
            await new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(newKey);
        }

        var dumpBefore = _test.Dump();
        var error = await Assert.ThrowsAsync<ConflictException>(() =>
            new CredentialsService(stale).AddAsync(new CredentialInput("late"), new Dictionary<string, SecretText> { ["password"] = new("written-with-the-old-key") }));

        Assert.Contains("rotated", error.Message, StringComparison.Ordinal);
        Assert.Equal(dumpBefore, _test.Dump());
        Assert.NotEmpty(await ReadAllSecretsAsync(new SecretCipher(newKey)));
    }

    [Fact]
    public async Task A_second_rotation_while_one_runs_is_refused_and_changes_nothing()
    {
        await (await _test.InitializeAndOpenAsync()).DisposeAsync();
        var keyBefore = await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath);
        await using var session = await _test.OpenAsync();

        using (_test.Store().Keys.TryLockRotation())
        {
            await Assert.ThrowsAsync<ConflictException>(() => new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(AesKey.Generate()));
        }

        Assert.Equal(keyBefore, await File.ReadAllTextAsync(_test.DataDirectory.SystemKeyPath));
        Assert.False(File.Exists(_test.DataDirectory.PendingSystemKeyPath));
    }

    [Fact]
    public async Task Rotating_to_the_key_in_use_is_refused()
    {
        await using var session = await _test.InitializeAndOpenAsync();

        await Assert.ThrowsAsync<InvalidInputException>(() => new SystemKeyRotation(session, _test.Store().Keys, new Core.Snapshots.SafetySnapshots(_test.DataDirectory)).RotateAsync(session.SystemKey.Key));
    }

    private static async Task AddCredentialsAsync(ConfigurationSession session, int count)
    {
        for (var i = 0; i < count; i++)
        {
            session.Db.CredentialProfiles.Add(new CredentialProfile { Name = $"bulk-{i}", Password = session.Secrets.Seal(new SecretText($"bulk-secret-{i}")) });
        }

        await session.Db.SaveChangesAsync();
    }

    private async Task<Dictionary<string, string>> ReadAllSecretsAsync(SecretCipher cipher)
    {
        await using var session = await _test.OpenAsync();
        return (await EnvelopesWithNamesAsync(session)).ToDictionary(e => e.Name, e => cipher.Open(e.Secret).Reveal());
    }

    private static async Task<List<EncryptedSecret>> EnvelopesAsync(ConfigurationSession session) =>
        (await EnvelopesWithNamesAsync(session)).Select(e => e.Secret).ToList();

    private static async Task<List<(string Name, EncryptedSecret Secret)>> EnvelopesWithNamesAsync(ConfigurationSession session)
    {
        var all = new List<(string, EncryptedSecret)>();
        foreach (var area in ConfigurationAreas.All)
        {
            foreach (var record in await session.Db.RecordsOf(area).AsNoTracking().ToListAsync())
            {
                foreach (var property in area.SecretProperties)
                {
                    if (property.GetValue(record) is EncryptedSecret secret)
                    {
                        all.Add(($"{area.Name}/{record.Id}/{property.Name}", secret));
                    }
                }
            }
        }

        return all;
    }
}
