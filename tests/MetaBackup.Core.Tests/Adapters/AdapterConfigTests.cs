using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Tests.Adapters;

/// <summary>
/// The plain part of an adapter's configuration in its normal form (<see cref="AdapterConfig.NormalizePlain"/>): what an
/// import stores for an adapter it reads, and what an adapter saved by hand holds. Written without a JSON tree since
/// 2026-12-05 (docs/performance.md, "Import"): the text stored must stay what it was, to the byte.
/// </summary>
public sealed class AdapterConfigTests
{
    private static readonly AdapterType Postgres = AdapterTypes.Find(AdapterKind.Database, "postgres")!;
    private static readonly AdapterType Redis = AdapterTypes.Find(AdapterKind.Database, "redis")!;

    [Theory]
    // Values of the declared type, in the order given: a whole number or a flag given as text becomes one.
    [InlineData("postgres", """{"host":"db.internal","port":"5432","database":"app","sslMode":"require"}""", """{"host":"db.internal","port":5432,"database":"app","sslMode":"require"}""")]
    [InlineData("redis", """{"tls":"true","port":6379,"host":"cache","database":" 3"}""", """{"tls":true,"port":6379,"host":"cache","database":3}""")]
    [InlineData("redis", """{"host":"cache","tls":false}""", """{"host":"cache","tls":false}""")]
    // A number or a flag where text is declared is kept as the text it was written as.
    [InlineData("postgres", """{"host":12.50,"database":true}""", """{"host":"12.50","database":"true"}""")]
    // Text escaped as System.Text.Json escapes it by default, whatever the input's own escaping.
    [InlineData("postgres", """{"host":"h\u00e9","database":"a<b>&'c\"d\\e"}""", """{"host":"h\u00E9","database":"a\u003Cb\u003E\u0026\u0027c\u0022d\\e"}""")]
    [InlineData("postgres", """{}""", """{}""")]
    public void A_configuration_is_stored_with_each_value_of_its_declared_type_and_escaped_as_before(string type, string given, string stored) =>
        Assert.Equal(stored, AdapterConfig.NormalizePlain(type == "redis" ? Redis : Postgres, given));

    [Theory]
    [InlineData("""{"port":"many"}""", "'port' of database/postgres adapters must be a whole number; got 'many'.")]
    [InlineData("""{"port":5432.5}""", "'port' of database/postgres adapters must be a whole number; got '5432.5'.")]
    [InlineData("""{"sslMode":"sometimes"}""", "'sslMode' of database/postgres adapters must be one of disable, prefer, require, verify-ca, verify-full; got 'sometimes'.")]
    [InlineData("""{"colour":"blue"}""", "'colour' is not a config key of database/postgres adapters.")]
    [InlineData("""{"password":"hunter2"}""", "'password' is a secret of database/postgres adapters and cannot be given as plain config.")]
    [InlineData("""{"host":{"name":"db"}}""", "'host' of database/postgres adapters must be a single value; got {\"name\":\"db\"}.")]
    [InlineData("""{"host":null}""", "'host' of database/postgres adapters must be a single value; got null.")]
    [InlineData("""{"host":"a","host":"b"}""", "'host' is given twice in the config of a database/postgres adapter.")]
    [InlineData("""["host"]""", "The config of a database/postgres adapter must be a JSON object.")]
    public void A_value_that_is_not_of_its_key_is_refused_by_name(string given, string message)
    {
        var refused = Assert.Throws<InvalidInputException>(() => AdapterConfig.NormalizePlain(Postgres, given));
        Assert.Equal(message, refused.Message);
    }

    [Fact]
    public void The_normal_form_is_its_own_normal_form()
    {
        var once = AdapterConfig.NormalizePlain(Redis, """{"host":"cache","port":"6380","tls":"True","username":"ops é"}""");
        Assert.Equal(once, AdapterConfig.NormalizePlain(Redis, once));
    }
}
