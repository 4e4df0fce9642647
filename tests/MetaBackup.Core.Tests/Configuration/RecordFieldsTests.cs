using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Configuration;

/// <summary>
/// The import reads natural keys and unique values of stored and built records through the serializer's contract
/// (<see cref="RecordFields"/>), no longer from each record written as JSON: every field must read as that JSON gives it.
/// </summary>
public sealed class RecordFieldsTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task Every_field_of_every_record_reads_as_the_records_JSON_gives_it()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var (records, fields) = (0, 0);
        foreach (var area in ConfigurationAreas.All)
        {
            await foreach (var record in session.Records(area, CancellationToken.None))
            {
                var json = SecretMasking.WithoutSecrets(area, record);
                Assert.Equal(area.NaturalKeyOf(json), RecordFields.NaturalKeyOf(area, record));
                foreach (var (field, value) in json)
                {
                    Assert.Equal(value?.ToString(), RecordFields.Text(area, record, field));
                    fields++;
                }

                foreach (var secret in area.SecretProperties)
                {
                    Assert.Null(RecordFields.Text(area, record, SecretFields.NameOf(secret)));
                }

                records++;
            }
        }

        Assert.True(records >= ConfigurationAreas.All.Count && fields > 50, $"{records} records, {fields} fields");
    }

    /// <summary>The import's verification reads every record's references this way (docs/performance.md, "Import").</summary>
    [Fact]
    public async Task Every_reference_of_every_record_reads_as_the_records_JSON_gives_it()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        // Two settings that name records, references of their own kind.
        var settings = new SettingsService(session);
        await settings.SetAsync(SettingKeys.ConfigBackupStorageId, session.Db.Adapters.Single(a => a.Name == "sample-local").Id);
        await settings.SetAsync(SettingKeys.ConfigBackupEncryptionProfileId, session.Db.EncryptionProfiles.Single().Id);
        var (targets, inLists, ofSettings) = (0, 0, 0);
        foreach (var area in ConfigurationAreas.All)
        {
            await foreach (var record in session.Records(area, CancellationToken.None))
            {
                var json = SecretMasking.WithoutSecrets(area, record);
                var references = area.ReferencesOf(json).ToList();
                Assert.Equal(references, RecordFields.ReferencesOf(area, record));
                foreach (var reference in references)
                {
                    var expected = reference.TargetsIn(json).ToList();
                    Assert.Equal(expected, RecordFields.TargetsIn(area, record, reference));
                    targets += expected.Count;
                    inLists += reference.List is null ? 0 : expected.Count;
                    ofSettings += area == ConfigurationAreas.Settings ? expected.Count : 0;
                }
            }
        }

        Assert.True(targets >= 10 && inLists >= 3 && ofSettings == 2, $"{targets} targets, {inLists} in lists, {ofSettings} of settings");
    }
}
