using System.Text.Json;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Import;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;

namespace MetaBackup.Core.Tests.Configuration;

public sealed class WireNameTests
{
    [Fact]
    public void A_value_has_the_name_the_API_writes_for_it_so_the_CLI_s_json_and_the_API_agree()
    {
        AssertSameAsApi<AdapterKind>();
        AssertSameAsApi<RunStatus>();
        AssertSameAsApi<ImportMode>();
        AssertSameAsApi<PlanAction>();
        AssertSameAsApi<ExportSource>();
        AssertSameAsApi<KeyImportOutcome>();
        Assert.Equal("alreadyPresent", WireName.Of(KeyImportOutcome.AlreadyPresent));
    }

    [Fact]
    public void Names_parse_back_in_any_case_and_numbers_or_unknown_names_do_not()
    {
        Assert.True(WireName.TryParse<ImportMode>("Selective", out var mode));
        Assert.Equal(ImportMode.Selective, mode);
        Assert.True(WireName.TryParse<KeyImportOutcome>("alreadypresent", out var outcome));
        Assert.Equal(KeyImportOutcome.AlreadyPresent, outcome);
        Assert.False(WireName.TryParse<ImportMode>("1", out _));
        Assert.False(WireName.TryParse<ImportMode>("everything", out _));
        Assert.False(WireName.TryParse<ImportMode>(null, out _));
        Assert.Equal(["full", "merge", "selective"], WireName.All<ImportMode>());
    }

    private static void AssertSameAsApi<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            Assert.Equal(JsonSerializer.Serialize(value, SecretMasking.ViewOptions).Trim('"'), WireName.Of(value));
        }
    }
}
