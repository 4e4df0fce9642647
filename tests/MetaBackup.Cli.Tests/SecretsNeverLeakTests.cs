using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Users;
using MetaBackup.Data;
using Microsoft.Data.Sqlite;
using MetaBackup.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Acceptance: for every secret field of every area and every secret adapter key, once set through
/// the CLI, its plaintext appears nowhere in the SQLite files (database, WAL, journal), the CLI's
/// output or the logs. The fields come from the declarations, so a secret added later is covered
/// (or this test fails until it is).
/// </summary>
public sealed class SecretsNeverLeakTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task No_secret_set_through_the_cli_appears_in_the_database_files_the_output_or_the_logs()
    {
        await _cli.OkAsync("init");

        // Keep a reader open so that SQLite keeps its WAL file, with every page written, for inspection (PostgreSQL's
        // whole content is read as a dump instead).
        using var walKeeper = TestDatabase.IsPostgres ? null : new SqliteConnection($"Data Source={_cli.DatabasePath};Mode=ReadOnly;Pooling=False");
        if (walKeeper is not null)
        {
            walKeeper.Open();
            using var touch = walKeeper.CreateCommand();
            touch.CommandText = "SELECT count(*) FROM sqlite_master";
            touch.ExecuteScalar();
        }

        var secrets = new Dictionary<string, string>();
        string NewSecret(string field) => secrets[field] = $"leak-check-{field}-{Guid.NewGuid():N}";

        // credentialProfiles: every secret field, from files.
        var credentialArgs = new List<string> { "credentials", "add", "--name", "shared" };
        foreach (var field in SecretFields.NamesOf(ConfigurationAreas.CredentialProfiles))
        {
            credentialArgs.AddRange(["--secret", $"{field}=file:{_cli.WriteFile(field, NewSecret($"credentialProfiles.{field}") + "\n")}"]);
        }

        await _cli.OkAsync([.. credentialArgs]);

        // adapters: every secret key of every type, from environment variables.
        foreach (var type in AdapterTypes.All)
        {
            var args = new List<string> { "adapters", "add", "--kind", Kinds.Name(type.Kind), "--type", type.Name, "--name", $"a-{type.Name}" };
            foreach (var key in type.Keys.Where(k => !k.Secret))
            {
                args.AddRange(["--config", $"{key.Name}={(key.Type == ConfigValueType.Integer ? "1" : key.Type == ConfigValueType.Boolean ? "true" : key.AllowedValues?[0] ?? "x")}"]);
            }

            foreach (var key in type.SecretKeys)
            {
                var variable = $"SECRET_{type.Name}_{key.Name}".ToUpperInvariant();
                _cli.Environment[variable] = NewSecret($"adapters.{type.Name}.{key.Name}");
                args.AddRange(["--secret", $"{key.Name}=env:{variable}"]);
            }

            if (type.Name == "sftp")
            {
                // An SFTP private key is checked when it is given: a real one, encrypted with the passphrase secret.
                var keyFile = Path.Combine(_cli.WorkingDirectory, "sftp_key");
                var generated = await ExternalProcess.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", secrets["adapters.sftp.passphrase"], "-f", keyFile]);
                Assert.True(generated.Code == 0, generated.Output);
                _cli.Environment["SECRET_SFTP_PRIVATEKEY"] = secrets["adapters.sftp.privateKey"] = (await File.ReadAllTextAsync(keyFile)).Trim();
                File.Delete(keyFile);
            }

            await _cli.OkAsync([.. args]);
        }

        // users: the password from stdin; ssoProviders: the client secret from the environment.
        await _cli.OkAsync("groups", "add", "--name", "ops", "--permissions", "config.export");
        var password = NewSecret("users.password");
        var added = await _cli.RunWithInputAsync(password + "\n", "users", "add", "--email", "ops@example.com", "--group", "ops", "--secret", "password=stdin");
        Assert.Equal(0, added.ExitCode);
        _cli.Environment["SSO_SECRET"] = NewSecret("ssoProviders.clientSecret");
        await _cli.OkAsync("sso", "add", "--provider-id", "kc", "--issuer", "https://kc.example.com", "--client-id", "mb", "--secret", "clientSecret=env:SSO_SECRET");

        // encryptionProfiles: the key, known from its Recovery Kit (the one file meant to hold it).
        var kitPath = Path.Combine(_cli.WorkingDirectory, "offsite.kit");
        await _cli.OkAsync("profiles", "create", "--name", "offsite", "--recovery-kit", kitPath);
        secrets["encryptionProfiles.key"] = Core.Vault.RecoveryKit.Parse(await File.ReadAllTextAsync(kitPath), kitPath).Key.ToHex();

        // apiKeys: the key is shown once, by `add`; its hash must appear nowhere.
        var issued = await _cli.OkAsync("--json", "apikeys", "add", "--name", "ci", "--user", "ops@example.com");
        var apiKey = JsonNode.Parse(issued.Out)!["key"]!.GetValue<string>();
        secrets["apiKeys.key"] = apiKey;
        secrets["apiKeys.keyHash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        secrets["users.passwordHash"] = await ReadPasswordHashAsync("ops@example.com");

        // Every read path, in both output forms.
        foreach (var group in new[] { "credentials", "adapters", "users", "groups", "sso", "apikeys", "profiles" })
        {
            await _cli.OkAsync(group, "list");
            await _cli.OkAsync(group, "list", "--json");
        }

        await _cli.OkAsync("credentials", "show", "shared");
        await _cli.OkAsync("adapters", "show", "a-postgres", "--json");
        await _cli.OkAsync("users", "show", "ops@example.com", "--json");
        await _cli.OkAsync("sso", "show", "kc");

        AssertEveryDeclaredSecretIsCovered(secrets);

        var places = DatabaseFiles().Concat(LogFiles()).ToList();
        if (!TestDatabase.IsPostgres)
        {
            Assert.Contains(places, p => p.Name.EndsWith("-wal", StringComparison.Ordinal));
        }
        foreach (var (field, plaintext) in secrets)
        {
            foreach (var (name, bytes) in places)
            {
                Assert.False(Contains(bytes, plaintext), $"The plaintext of {field} was found in {name}.");
            }

            foreach (var result in _cli.History.Where(r => !(field == "apiKeys.key" && ReferenceEquals(r, issued))))
            {
                Assert.DoesNotContain(plaintext, result.All, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The test must have set every secret the declarations name.</summary>
    private static void AssertEveryDeclaredSecretIsCovered(Dictionary<string, string> secrets)
    {
        var declared = ConfigurationAreas.All
            .Where(a => a != ConfigurationAreas.Adapters)
            .SelectMany(a => SecretFields.NamesOf(a).Select(f => $"{a.Name}.{f}"))
            .Concat(AdapterTypes.All.SelectMany(t => t.SecretKeys.Select(k => $"adapters.{t.Name}.{k.Name}")));
        Assert.All(declared, field => Assert.True(secrets.ContainsKey(field), $"The test does not set {field}."));
    }

    private async Task<string> ReadPasswordHashAsync(string email)
    {
        var directory = new DataDirectory(_cli.DataDirectory);
        string? Env(string name) => _cli.Environment.GetValueOrDefault(name);
        var store = new Core.Persistence.ConfigurationStore(directory, DatabaseProviders.For(directory, Env), Env, NullLoggerFactory.Instance);
        await using var session = await store.OpenAsync();
        var user = await new UsersService(session).FindAsync(email);
        return session.Secrets.Open(user.PasswordHash!).Reveal();
    }

    private IEnumerable<(string Name, byte[] Bytes)> DatabaseFiles() =>
        _cli.DatabaseFiles().Select(f => (f.Key, f.Value));

    private IEnumerable<(string Name, byte[] Bytes)> LogFiles()
    {
        var logs = Path.Combine(_cli.DataDirectory, "logs");
        var files = Directory.GetFiles(logs);
        Assert.NotEmpty(files);
        return files.Select(f => (f, File.ReadAllBytes(f)));
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
