using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Import;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Core.Vault;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Import;

/// <summary>The disaster-recovery drills of docs/recovery.md ("The drills") that run below the CLI.</summary>
public sealed class ImportDrillTests : IDisposable
{
    private readonly TestStore _a = new(TestKeys.A);
    private readonly TestStore _b = new(TestKeys.B);
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _files.Dispose();
    }

    private async Task<(string Backup, AesKey ProfileKey, Dictionary<string, string> Secrets)> SeedAndExportAsync(bool includeSecrets, bool encrypted = true)
    {
        await using var session = await _a.InitializeAndOpenAsync();
        var secrets = await SampleConfiguration.SeedAsync(session);
        var key = AesKey.FromHex(secrets["encryptionProfiles.key"], "sample");
        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(includeSecrets, encrypted ? "offsite" : null), _files.Path);
        return (result.Path!, key, secrets);
    }

    private static Task<ImportResult> ImportAsync(ConfigurationSession session, TestStore store, string path, ImportOptions options, AesKey? key = null) =>
        new ConfigImporter(session, store.DataDirectory).ImportConfigAsync(path, options, key);

    [Fact]
    public async Task Drill_1_a_rebuilt_server_with_a_new_system_key_gets_every_area_and_every_secret_back()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        string expected;
        await using (var a = await _a.OpenAsync())
        {
            expected = await ConfigurationText.OfAsync(a);
        }

        await using var b = await _b.InitializeAndOpenAsync();
        var result = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Full), key);

        Assert.True(result.Applied);
        Assert.Empty(result.Plan.NeedsSecret);
        Assert.Equal(expected, await ConfigurationText.OfAsync(b));
        Assert.NotEqual(_a.Store().Keys.TryLoad()!.Fingerprint, b.SystemKey.Fingerprint);
    }

    [Fact]
    public async Task Drill_2_after_the_system_key_is_replaced_the_import_restores_every_secret_under_the_new_key()
    {
        var (backup, key, secrets) = await SeedAndExportAsync(includeSecrets: true);
        string expected;
        await using (var a = await _a.OpenAsync())
        {
            expected = await ConfigurationText.OfAsync(a);
        }

        // The old key is gone: the operator starts over in the same place with a new one.
        _a.Wipe();
        _a.Environment["ENCRYPTION_KEY"] = TestKeys.C;
        await using var session = await _a.InitializeAndOpenAsync();
        await ImportAsync(session, _a, backup, new ImportOptions(ImportMode.Full), key);

        Assert.Equal(expected, await ConfigurationText.OfAsync(session));
        var sso = await new SsoService(session).FindAsync("keycloak");
        Assert.StartsWith($"mbs1.{TestKeys.FingerprintOf(TestKeys.C)}.", sso.ClientSecret!.Envelope, StringComparison.Ordinal);
        Assert.Equal(secrets["ssoProviders.clientSecret"], session.Secrets.Open(sso.ClientSecret).Reveal());
    }

    [Theory]
    [InlineData(ImportMode.Merge)]
    [InlineData(ImportMode.Full)]
    public async Task Drill_3_a_backup_without_secrets_blanks_no_secret_on_the_server_it_came_from(ImportMode mode)
    {
        var (backup, _, _) = await SeedAndExportAsync(includeSecrets: false);
        await using var session = await _a.OpenAsync();
        var before = await ConfigurationText.OfAsync(session);

        var result = await ImportAsync(session, _a, backup, new ImportOptions(mode));

        Assert.Equal(before, await ConfigurationText.OfAsync(session));
        Assert.All(result.Plan.Entries, e => Assert.Equal(PlanAction.Unchanged, e.Action));
        Assert.Empty(result.Plan.NeedsSecret);
    }

    /// <summary>
    /// A stored secret that cannot be decrypted, which the backup does not replace, is left as it is: the plan says so,
    /// and the verification after applying (which opens every other secret) does not refuse the import for it.
    /// </summary>
    [Fact]
    public async Task A_damaged_stored_secret_the_backup_does_not_replace_is_left_as_it_is_and_the_import_applies()
    {
        var (backup, _, _) = await SeedAndExportAsync(includeSecrets: false);
        await using var session = await _a.OpenAsync();
        var sealedSecret = (await new SsoService(session).FindAsync("keycloak")).ClientSecret!.Envelope;
        var damaged = new EncryptedSecret(sealedSecret[..^2] + (sealedSecret[^2] == 'A' ? "B" : "A") + sealedSecret[^1]);
        Assert.Null(session.Secrets.TryOpen(damaged));
        await session.Db.SsoProviders.Where(p => p.ProviderId == "keycloak").ExecuteUpdateAsync(u => u.SetProperty(p => p.ClientSecret, damaged));

        var result = await ImportAsync(session, _a, backup, new ImportOptions(ImportMode.Merge));

        Assert.True(result.Applied);
        Assert.Contains(result.Plan.Warnings, w => w.StartsWith("Leaves the stored clientSecret of SSO provider keycloak", StringComparison.Ordinal));
        var stored = await session.Db.SsoProviders.AsNoTracking().SingleAsync(p => p.ProviderId == "keycloak");
        Assert.Equal(damaged.Envelope, stored.ClientSecret!.Envelope);
    }

    /// <summary>
    /// The verification after applying opens every secret stored (docs/recovery.md, "Applying: all or nothing"), on another
    /// thread while it reads the rows after them (docs/performance.md, "Import"): one that does not open still refuses the
    /// import, with the error it met, and nothing changes.
    /// </summary>
    [Fact]
    public async Task A_secret_that_does_not_open_after_applying_refuses_the_import_and_nothing_changes()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var b = await _b.InitializeAndOpenAsync();
        var before = _b.Dump();

        var error = await Assert.ThrowsAsync<SecretDecryptionException>(() => new ConfigImporter(b, _b.DataDirectory).ImportConfigAsync(
            backup,
            new ImportOptions(ImportMode.Full),
            key,
            step =>
            {
                if (step == "verifying")
                {
                    // Damaged inside the import's transaction once it was written: what the verification is there to catch.
                    var stored = b.Db.SsoProviders.AsNoTracking().Single(p => p.ProviderId == "keycloak").ClientSecret!.Envelope;
                    var damaged = new EncryptedSecret(stored[..^2] + (stored[^2] == 'A' ? "B" : "A") + stored[^1]);
                    b.Db.SsoProviders.Where(p => p.ProviderId == "keycloak").ExecuteUpdate(u => u.SetProperty(p => p.ClientSecret, damaged));
                }
            }));

        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _b.Dump());
        Assert.False(_b.HasSafetySnapshots());
    }

    [Fact]
    public async Task Drill_4_a_backup_without_secrets_on_a_fresh_server_lists_every_missing_secret_and_locks_its_profiles()
    {
        var (backup, _, secrets) = await SeedAndExportAsync(includeSecrets: false, encrypted: false);
        await using var b = await _b.InitializeAndOpenAsync();

        var result = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Full));

        foreach (var area in ConfigurationAreas.All)
        {
            Assert.Equal(await _a.Store().NewContext().RecordsOf(area).CountAsync(), await b.Db.RecordsOf(area).CountAsync());
        }

        var needs = result.Plan.NeedsSecret.ToList();
        var expected = secrets.Keys.Where(k => k is not "users.password" and not "apiKeys.key").ToList();
        Assert.Equal(expected.Count, needs.Count);
        foreach (var field in expected)
        {
            var parts = field.Split('.');
            var needle = parts[0] == "adapters" ? $"config.{parts[2]}" : parts[1];
            Assert.Contains(needs, n => n.StartsWith(parts[0], StringComparison.Ordinal) && n.EndsWith(": " + needle, StringComparison.Ordinal));
        }

        var profile = await new VaultService(b).FindAsync("offsite");
        Assert.True(profile.IsLocked);
        var job = await b.Db.Jobs.SingleAsync(j => j.Name == "nightly");
        Assert.Equal(profile.Id, job.EncryptionProfileId);
        Assert.Throws<ProfileLockedException>(() => new VaultService(b).KeyOf(profile));
        Assert.All(await b.Db.SsoProviders.ToListAsync(), p => Assert.Null(p.ClientSecret));
    }

    [Fact]
    public async Task The_same_group_created_on_both_sides_ends_as_one_and_every_reference_points_to_it()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var b = await _b.InitializeAndOpenAsync();
        var theirs = await new GroupsService(b).AddAsync("operators", "created on B", []);
        var bob = await new UsersService(b).AddAsync(new UserInput("bob@example.com", "Bob", "operators"), null);
        string backupGroupId;
        await using (var a = await _a.OpenAsync())
        {
            backupGroupId = (await new GroupsService(a).FindAsync("operators")).Id;
        }

        var result = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Merge), key);

        var group = Assert.Single(await b.Db.Groups.ToListAsync());
        Assert.Equal(theirs.Id, group.Id);
        Assert.NotEqual(backupGroupId, group.Id);
        Assert.All(await b.Db.Users.ToListAsync(), u => Assert.Equal(group.Id, u.GroupId));
        Assert.Equal(2, await b.Db.Users.CountAsync());
        Assert.Equal(group.Id, (await b.Db.SsoProviders.SingleAsync()).DefaultGroupId);
        var entry = result.Plan.Entries.Single(e => e.Area == "groups");
        Assert.Equal(backupGroupId, entry.BackupId);
        Assert.Contains("by name", entry.Reason, StringComparison.Ordinal);
        Assert.Equal(bob.GroupId, group.Id);
    }

    [Fact]
    public async Task A_job_whose_source_adapter_is_nowhere_is_skipped_with_a_warning_and_the_rest_imports()
    {
        var (backup, _, _) = await SeedAndExportAsync(includeSecrets: false, encrypted: false);
        var document = JsonNode.Parse(BackupDocument.ReadText(backup, null))!.AsObject();
        var adapters = document["adapters"]!.AsArray();
        var source = adapters.Single(a => a!["name"]!.GetValue<string>() == "sample-postgres")!;
        var sourceId = source["id"]!.GetValue<string>();
        adapters.Remove(source);
        document["metadata"]!["counts"]!["adapters"] = adapters.Count;
        var edited = _files.Combine("edited.json");
        await File.WriteAllTextAsync(edited, document.ToJsonString());
        await using var b = await _b.InitializeAndOpenAsync();

        var result = await ImportAsync(b, _b, edited, new ImportOptions(ImportMode.Merge));

        var skip = Assert.Single(result.Plan.Entries, e => e.Action == PlanAction.Skip);
        Assert.Equal("jobs", skip.Area);
        Assert.Contains(sourceId, skip.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Plan.Warnings, w => w.Contains("nightly", StringComparison.Ordinal) && w.Contains(sourceId, StringComparison.Ordinal));
        Assert.Equal(0, await b.Db.Jobs.CountAsync());
        Assert.Equal(adapters.Count, await b.Db.Adapters.CountAsync());
        Assert.Equal(1, await b.Db.Users.CountAsync());
    }

    [Fact]
    public async Task A_setting_this_machine_would_refuse_is_skipped_with_a_warning_and_the_rest_imports()
    {
        var (backup, _, _) = await SeedAndExportAsync(includeSecrets: false, encrypted: false);
        var document = JsonNode.Parse(BackupDocument.ReadText(backup, null))!.AsObject();
        var settings = document["settings"]!.AsArray();
        settings.Single(s => s!["key"]!.GetValue<string>() == "system.timezone")!["value"] = "Mars/Olympus";
        var edited = _files.Combine("edited.json");
        await File.WriteAllTextAsync(edited, document.ToJsonString());
        await using var b = await _b.InitializeAndOpenAsync();

        var result = await ImportAsync(b, _b, edited, new ImportOptions(ImportMode.Merge));

        var skip = Assert.Single(result.Plan.Entries, e => e.Action == PlanAction.Skip);
        Assert.Equal(("settings", "system.timezone"), (skip.Area, skip.Key));
        Assert.Contains("system.timezone cannot be 'Mars/Olympus'", skip.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Plan.Warnings, w => w.Contains("Skipped setting 'system.timezone'", StringComparison.Ordinal));
        Assert.False(await b.Db.Settings.AnyAsync(s => s.Key == "system.timezone"));
        Assert.Equal(settings.Count - 1, await b.Db.Settings.CountAsync());
    }

    [Fact]
    public async Task Full_mode_deletes_what_the_backup_lacks_the_plan_says_so_and_the_snapshot_brings_it_back()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var session = await _a.OpenAsync();
        var extraGroup = await new GroupsService(session).AddAsync("late-addition", null, []);
        await new UsersService(session).AddAsync(new UserInput("late@example.com", "Late", "late-addition"), new SecretText("a long enough password"));
        var before = await ConfigurationText.OfAsync(session);

        var dryRun = await ImportAsync(session, _a, backup, new ImportOptions(ImportMode.Full, DryRun: true), key);
        var applied = await ImportAsync(session, _a, backup, new ImportOptions(ImportMode.Full), key);

        var deletions = applied.Plan.Entries.Where(e => e.Action == PlanAction.Delete).Select(e => e.Key).Order().ToList();
        Assert.Equal(["late-addition", "late@example.com"], deletions);
        Assert.Equal(Describe(dryRun.Plan), Describe(applied.Plan));
        Assert.False(await session.Db.Groups.AnyAsync(g => g.Id == extraGroup.Id));
        Assert.True(File.Exists(applied.SafetySnapshot));

        session.Db.ChangeTracker.Clear();
        await ImportAsync(session, _a, applied.SafetySnapshot!, new ImportOptions(ImportMode.Full));

        Assert.Equal(before, await ConfigurationText.OfAsync(session));
    }

    [Fact]
    public async Task An_applied_import_does_exactly_what_its_plan_said()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var b = await _b.InitializeAndOpenAsync();
        await new GroupsService(b).AddAsync("operators", "different description", ["jobs.read"]);
        await new GroupsService(b).AddAsync("only-on-b", null, []);

        var plan = (await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Full, DryRun: true), key)).Plan;
        var before = _b.Dump();
        var applied = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Full), key);

        Assert.Equal(Describe(plan), Describe(applied.Plan));
        Assert.NotEqual(before, _b.Dump());
        // Full mode: B's own "operators" (another id) is replaced by the backup's, so that ids end up the backup's too.
        var replaced = plan.Entries.Single(e => e.Area == "groups" && e.Action == PlanAction.Delete && e.Key == "operators");
        Assert.Contains("replaced by the backup's group", replaced.Reason, StringComparison.Ordinal);
        Assert.Contains("replaces the existing group", plan.Entries.Single(e => e.Area == "groups" && e.Action == PlanAction.Create && e.Key == "operators").Reason, StringComparison.Ordinal);
        Assert.Single(plan.Entries, e => e.Action == PlanAction.Delete && e.Key == "only-on-b");
        foreach (var entry in plan.Entries.Where(e => e.Action is PlanAction.Create or PlanAction.Update))
        {
            var area = ConfigurationAreas.All.Single(a => a.Name == entry.Area);
            Assert.True(await b.Db.RecordsOf(area).AnyAsync(r => r.Id == entry.Id), $"{entry.Area} {entry.Key} is missing");
        }

        foreach (var entry in plan.Entries.Where(e => e.Action == PlanAction.Delete))
        {
            var area = ConfigurationAreas.All.Single(a => a.Name == entry.Area);
            Assert.False(await b.Db.RecordsOf(area).AnyAsync(r => r.Id == entry.Id));
        }
    }

    [Fact]
    public async Task In_merge_mode_a_record_of_the_same_natural_key_is_updated_and_keeps_its_id()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var b = await _b.InitializeAndOpenAsync();
        var own = await new GroupsService(b).AddAsync("operators", "different description", ["jobs.read"]);

        var plan = (await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Merge), key)).Plan;

        var update = plan.Entries.Single(e => e.Area == "groups" && e.Key == "operators");
        Assert.Equal(PlanAction.Update, update.Action);
        Assert.Equal(own.Id, update.Id);
        Assert.Equal(["description", "permissions"], update.Changes.Select(c => c.Field).Order());
        b.Db.ChangeTracker.Clear();
        Assert.Equal(own.Id, (await b.Db.Groups.SingleAsync(g => g.Name == "operators")).Id);
        Assert.Equal(own.Id, (await b.Db.Users.SingleAsync()).GroupId);
    }

    [Fact]
    public async Task In_full_mode_a_record_of_the_same_natural_key_is_replaced_with_the_backups_id_and_keeps_its_secrets_when_the_backup_has_none()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: false);
        string expected;
        await using (var a = await _a.OpenAsync())
        {
            expected = await ConfigurationText.OfAsync(a);
        }

        await using var b = await _b.InitializeAndOpenAsync();
        await new Credentials.CredentialsService(b).AddAsync(new Credentials.CredentialInput("shared-db"), new Dictionary<string, SecretText> { ["password"] = new("kept-on-b") });

        var result = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Full), key);

        Assert.True(result.Applied);
        b.Db.ChangeTracker.Clear();
        var credential = await b.Db.CredentialProfiles.SingleAsync();
        Assert.Contains($"\"id\": \"{credential.Id}\"", expected, StringComparison.Ordinal);
        Assert.Equal("kept-on-b", b.Secrets.Open(credential.Password!).Reveal());
    }

    [Fact]
    public async Task Selective_mode_imports_only_the_chosen_areas_and_records()
    {
        var (backup, key, _) = await SeedAndExportAsync(includeSecrets: true);
        await using var b = await _b.InitializeAndOpenAsync();
        string groupId;
        await using (var a = await _a.OpenAsync())
        {
            groupId = (await new GroupsService(a).FindAsync("operators")).Id;
        }

        var result = await ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Selective, ["groups", "credentialProfiles"], [groupId]), key);

        Assert.Single(result.Plan.Entries);
        Assert.Equal(groupId, (await b.Db.Groups.SingleAsync()).Id);
        Assert.Equal(0, await b.Db.CredentialProfiles.CountAsync());
        Assert.Equal(0, await b.Db.Users.CountAsync());
        await Assert.ThrowsAsync<InvalidInputException>(() => ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Selective), key));
        await Assert.ThrowsAsync<InvalidInputException>(() => ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Selective, ["nonsense"]), key));
        await Assert.ThrowsAsync<InvalidInputException>(() => ImportAsync(b, _b, backup, new ImportOptions(ImportMode.Merge, ["groups"]), key));
    }

    private static List<string> Describe(ImportPlan plan) =>
        plan.Entries.Select(e => $"{e.Area} {e.Id} {e.Action} [{string.Join(",", e.Changes.Select(c => c.ToString()))}] {e.Reason} [{string.Join(",", e.NeedsSecret)}]").ToList();
}
