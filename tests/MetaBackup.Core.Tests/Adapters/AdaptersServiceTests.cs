using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Adapters;

public sealed class AdaptersServiceTests : IDisposable
{
    private readonly TestStore _test = new();

    public void Dispose() => _test.Dispose();

    private static AdapterConfigChange Config(Dictionary<string, string>? values = null, Dictionary<string, string>? secrets = null, string[]? unset = null) =>
        new(values ?? [], (secrets ?? []).ToDictionary(s => s.Key, s => new SecretText(s.Value)), unset ?? []);

    [Fact]
    public async Task Every_declared_type_accepts_its_required_keys()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var service = new AdaptersService(session);
        foreach (var type in AdapterTypes.All)
        {
            var values = type.Keys.Where(k => k.Required && !k.Secret).ToDictionary(k => k.Name, k => k.Type == ConfigValueType.Integer ? "1" : "x");
            var secrets = type.Keys.Where(k => k.Required && k.Secret).ToDictionary(k => k.Name, _ => "s");
            foreach (var group in type.AnyOf ?? [])
            {
                values[group[^1]] = "x";
            }

            await service.AddAsync(type.Kind, type.Name, type.Name, Config(values, secrets), null);
        }

        Assert.Equal(AdapterTypes.All.Count, (await service.ListAsync()).Count);
    }

    [Fact]
    public async Task Secret_keys_are_sealed_and_plain_keys_are_typed()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var service = new AdaptersService(session);

        var adapter = await service.AddAsync(AdapterKind.Database, "postgres", "prod",
            Config(new() { ["host"] = "db", ["port"] = "5432", ["database"] = "app" }, new() { ["password"] = "pw-123" }), null);

        Assert.Equal("""{"host":"db","port":5432,"database":"app"}""", adapter.Config);
        Assert.DoesNotContain("pw-123", adapter.SecretConfig!.Envelope, StringComparison.Ordinal);
        Assert.Equal(["password"], service.ReadConfig(adapter).SecretKeysSet);
    }

    [Fact]
    public async Task An_update_keeps_secrets_that_are_not_given_and_unset_removes_them()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var service = new AdaptersService(session);
        await service.AddAsync(AdapterKind.Database, "postgres", "prod",
            Config(new() { ["host"] = "db", ["database"] = "app" }, new() { ["password"] = "pw" }), null);

        var renamed = await service.UpdateAsync("prod", null, Config(new() { ["host"] = "db2" }), null);
        Assert.Equal(["password"], service.ReadConfig(renamed).SecretKeysSet);

        var cleared = await service.UpdateAsync("prod", null, Config(unset: ["password"]), null);
        Assert.Null(cleared.SecretConfig);
    }

    [Theory]
    [InlineData("database", "nosuch", "Unknown database adapter type 'nosuch'")]
    [InlineData("storage", "postgres", "Unknown storage adapter type 'postgres'")]
    public async Task An_unknown_type_is_refused_with_the_known_types(string kind, string type, string message)
    {
        await using var session = await _test.InitializeAndOpenAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => new AdaptersService(session).AddAsync(Kinds.Parse(kind), type, "x", Config(), null));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task A_missing_required_key_is_named()
    {
        await using var session = await _test.InitializeAndOpenAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            new AdaptersService(session).AddAsync(AdapterKind.Storage, "s3", "x", Config(new() { ["region"] = "eu", ["bucket"] = "b", ["accessKeyId"] = "AK" }), null));

        Assert.Contains("'secretAccessKey'", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidInput, error.Code);
        Assert.Contains("secret:secretAccessKey", error.Details["missingKeys"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_least_one_of_a_group_is_required()
    {
        await using var session = await _test.InitializeAndOpenAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            new AdaptersService(session).AddAsync(AdapterKind.Database, "mongodb", "m", Config(new() { ["database"] = "d" }), null));

        Assert.Contains("'uri', 'host'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("port", "many", "must be a whole number")]
    [InlineData("sslMode", "sometimes", "must be one of")]
    [InlineData("colour", "blue", "is not a config key")]
    public async Task Bad_values_and_unknown_keys_are_refused(string key, string value, string message)
    {
        await using var session = await _test.InitializeAndOpenAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            new AdaptersService(session).AddAsync(AdapterKind.Database, "postgres", "p", Config(new() { ["host"] = "h", ["database"] = "d", [key] = value }), null));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_name_is_allowed_in_different_kinds_but_not_twice_in_one()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var service = new AdaptersService(session);
        await service.AddAsync(AdapterKind.Storage, "local", "main", Config(new() { ["path"] = "/b" }), null);
        await service.AddAsync(AdapterKind.Database, "sqlite", "main", Config(new() { ["path"] = "/db" }), null);

        await Assert.ThrowsAsync<DuplicateKeyException>(() => service.AddAsync(AdapterKind.Storage, "local", "main", Config(new() { ["path"] = "/c" }), null));
        var ambiguous = await Assert.ThrowsAsync<InvalidInputException>(() => service.FindAsync("main"));
        Assert.Contains("KIND/NAME", ambiguous.Hint, StringComparison.Ordinal);
        Assert.Equal(AdapterKind.Storage, (await service.FindAsync("storage/main")).Kind);
    }
}
