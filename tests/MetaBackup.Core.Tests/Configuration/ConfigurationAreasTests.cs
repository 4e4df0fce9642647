using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Tests.Configuration;

public sealed class ConfigurationAreasTests
{
    [Fact]
    public void There_are_the_nine_areas_of_the_specification()
    {
        Assert.Equal(
            ["settings", "credentialProfiles", "encryptionProfiles", "groups", "adapters", "jobs", "users", "ssoProviders", "apiKeys"],
            ConfigurationAreas.All.Select(a => a.Name));
    }

    [Fact]
    public void Secret_fields_are_exactly_those_of_the_specification()
    {
        var declared = ConfigurationAreas.All.ToDictionary(a => a.Name, a => SecretFields.NamesOf(a).Order().ToArray());

        Assert.Empty(declared["settings"]);
        Assert.Equal(["passphrase", "password", "privateKey", "token"], declared["credentialProfiles"]);
        Assert.Equal(["secretConfig"], declared["adapters"]);
        Assert.Empty(declared["jobs"]);
        Assert.Equal(["passwordHash"], declared["users"]);
        Assert.Empty(declared["groups"]);
        Assert.Equal(["clientSecret"], declared["ssoProviders"]);
        Assert.Equal(["key"], declared["encryptionProfiles"]);
        Assert.Equal(["keyHash"], declared["apiKeys"]);
    }

    [Fact]
    public void Every_area_comes_after_the_areas_it_depends_on()
    {
        var seen = new HashSet<string>();
        foreach (var area in ConfigurationAreas.All)
        {
            Assert.All(area.DependsOn, dependency => Assert.Contains(dependency, seen));
            seen.Add(area.Name);
        }
    }
}
