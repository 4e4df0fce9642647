using System.Text;
using System.Text.Json.Nodes;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Vault;
using MetaBackup.Format;
using MetaBackup.Testing;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Tests.Export;

public sealed class ConfigExporterTests : IDisposable
{
    private readonly TestStore _test = new();
    private readonly TempDirectory _out = new();

    public void Dispose()
    {
        _test.Dispose();
        _out.Dispose();
    }

    [Theory]
    [InlineData(BackupCompression.Gzip)]
    [InlineData(BackupCompression.Brotli)]
    [InlineData(BackupCompression.None)]
    public async Task With_secrets_the_profile_key_alone_gives_back_every_area_and_every_secret(BackupCompression compression)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var secrets = await SampleConfiguration.SeedAsync(session);
        var key = Convert.FromHexString(secrets["encryptionProfiles.key"]);

        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(true, "offsite", compression), _out.Path);

        Assert.Matches(@"^config_backup_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json(\.gz|\.br)?\.enc$", Path.GetFileName(result.Path));
        var document = BackupDocument.ParseValid(BackupDocument.ReadText(result.Path!, key));
        Assert.True(document["metadata"]!["includeSecrets"]!.GetValue<bool>());
        Assert.Equal(ExportDocument.SchemaVersion, document["metadata"]!["schemaVersion"]!.GetValue<int>());
        foreach (var area in ConfigurationAreas.All)
        {
            var expected = await session.Db.RecordsOf(area).CountAsync();
            Assert.Equal(expected, document[area.Name]!.AsArray().Count);
            Assert.Equal(expected, document["metadata"]!["counts"]![area.Name]!.GetValue<int>());
            Assert.True(expected > 0, $"the sample has no {area.Name}");
        }

        foreach (var (field, value) in secrets.Where(s => s.Key != "users.password" && s.Key != "apiKeys.key"))
        {
            Assert.Equal(value, SecretIn(document, field));
        }
    }

    [Theory]
    [InlineData(BackupCompression.None, false)]
    [InlineData(BackupCompression.Gzip, false)]
    [InlineData(BackupCompression.Brotli, false)]
    [InlineData(BackupCompression.None, true)]
    [InlineData(BackupCompression.Gzip, true)]
    public async Task Without_secrets_no_secret_value_appears_anywhere_in_the_file(BackupCompression compression, bool encrypted)
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var secrets = await SampleConfiguration.SeedAsync(session);
        var key = Convert.FromHexString(secrets["encryptionProfiles.key"]);

        var result = await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(false, encrypted ? "offsite" : null, compression), _out.Path);

        Assert.EndsWith(".json" + Compressions.Extension(compression) + (encrypted ? ".enc" : ""), result.Path, StringComparison.Ordinal);
        var text = BackupDocument.ReadText(result.Path!, encrypted ? key : null);
        var document = BackupDocument.ParseValid(text);
        var raw = await File.ReadAllBytesAsync(result.Path!);
        foreach (var (field, value) in secrets)
        {
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            Assert.True(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"{field} is in the file");
        }

        Assert.False(document["metadata"]!["includeSecrets"]!.GetValue<bool>());
        Assert.Equal("", SecretIn(document, "credentialProfiles.password"));
        Assert.Equal("", SecretIn(document, "adapters.postgres.password"));
        Assert.Equal("", SecretIn(document, "encryptionProfiles.key"));
        var unset = await new Core.Credentials.CredentialsService(session).AddAsync(new Core.Credentials.CredentialInput("no-secrets"), new Dictionary<string, Core.Secrets.SecretText>());
        var second = BackupDocument.ParseValid(BackupDocument.ReadText((await new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), _out.Combine("second.json.gz"))).Path!, null));
        Assert.Null(second["credentialProfiles"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == unset.Id)!["password"]);
    }

    [Fact]
    public async Task Secrets_without_a_profile_are_refused_and_no_file_is_written()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => new ConfigExporter(session).ExportToFileAsync(new ExportOptions(IncludeSecrets: true), _out.Path));
        await Assert.ThrowsAsync<InvalidInputException>(() => new ConfigExporter(session).ExportAsync(new ExportOptions(IncludeSecrets: true), Stream.Null));

        Assert.Contains("Encryption Profile", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
    }

    [Fact]
    public async Task A_locked_profile_cannot_encrypt()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        session.Db.EncryptionProfiles.Add(new EncryptionProfile { Name = "locked", Fingerprint = new string('a', 32) });
        await session.Db.SaveChangesAsync();

        await Assert.ThrowsAsync<ProfileLockedException>(() => new ConfigExporter(session).ExportToFileAsync(new ExportOptions(false, "locked"), _out.Path));

        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
    }

    [Fact]
    public async Task A_secret_that_cannot_be_decrypted_stops_the_export_or_with_the_option_is_named_in_the_warnings()
    {
        await using var session = await SampleWithAnUndecryptableSecretAsync();
        var exporter = new ConfigExporter(session);

        var error = await Assert.ThrowsAsync<ExportSecretsException>(() => exporter.ExportToFileAsync(new ExportOptions(true, "offsite"), _out.Path));
        Assert.Contains("'keycloak'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));

        var result = await exporter.ExportToFileAsync(new ExportOptions(true, "offsite", ContinueOnSecretErrors: true), _out.Path);
        var key = new VaultService(session).KeyOf(await new VaultService(session).FindAsync("offsite"));
        var document = BackupDocument.ParseValid(BackupDocument.ReadText(result.Path!, key.Bytes.ToArray()));
        Assert.Contains("'keycloak'", Assert.Single(result.Warnings), StringComparison.Ordinal);
        Assert.Contains("'keycloak'", document["metadata"]!["warnings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("", SecretIn(document, "ssoProviders.clientSecret"));
    }

    [Fact]
    public async Task A_secret_that_cannot_be_decrypted_sends_nothing_to_a_stream_and_takes_back_what_it_wrote_where_it_can()
    {
        await using var session = await SampleWithAnUndecryptableSecretAsync();
        var exporter = new ConfigExporter(session);

        // A stream that cannot be taken back (a download): every secret is checked before the first byte.
        var download = new ForwardOnlyStream();
        await Assert.ThrowsAsync<ExportSecretsException>(() => exporter.ExportAsync(new ExportOptions(true, "offsite"), download));
        Assert.Equal(0, download.Written.Length);

        // One that can (a file, or memory): what the export wrote is taken back, and what came before it stays.
        var memory = new MemoryStream();
        memory.Write("before"u8);
        await Assert.ThrowsAsync<ExportSecretsException>(() => exporter.ExportAsync(new ExportOptions(true, "offsite"), memory));
        Assert.Equal("before"u8.ToArray(), memory.ToArray());

        // Carrying on past it, both name it in the document's warnings.
        var key = new VaultService(session).KeyOf(await new VaultService(session).FindAsync("offsite"));
        var carryOn = new ExportOptions(true, "offsite", ContinueOnSecretErrors: true);
        foreach (var output in new Stream[] { new ForwardOnlyStream(), new MemoryStream() })
        {
            var result = await exporter.ExportAsync(carryOn, output);
            var path = _out.Combine($"carried-on-{output.GetType().Name}");
            await File.WriteAllBytesAsync(path, output is ForwardOnlyStream forward ? forward.Written.ToArray() : ((MemoryStream)output).ToArray());
            var document = BackupDocument.ParseValid(BackupDocument.ReadText(path, key.Bytes.ToArray()));
            Assert.Contains("'keycloak'", Assert.Single(result.Warnings), StringComparison.Ordinal);
            Assert.Contains("'keycloak'", document["metadata"]!["warnings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("", SecretIn(document, "ssoProviders.clientSecret"));
        }
    }

    [Fact]
    public async Task An_output_that_fails_midway_stops_the_export_with_its_own_error_and_a_cancellation_stops_it_as_cancelled()
    {
        // Enough records that the reader fills the queue to the writer and waits on it (docs/performance.md, "Export").
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        await SampleConfiguration.AddBulkGroupsAsync(session, 5000);
        var exporter = new ConfigExporter(session);

        var full = new ForwardOnlyStream(afterBytes: 16 * 1024, () => throw new IOException("No space left on device"));
        var error = await Assert.ThrowsAsync<IOException>(() => exporter.ExportAsync(new ExportOptions(), full));
        Assert.Equal("No space left on device", error.Message);

        using var cancel = new CancellationTokenSource();
        var cancelling = new ForwardOnlyStream(afterBytes: 16 * 1024, cancel.Cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exporter.ExportAsync(new ExportOptions(), cancelling, cancel.Token));

        // The session is still usable: nothing was left reading.
        Assert.Equal(5000 + 1, (await exporter.ExportAsync(new ExportOptions(), Stream.Null)).Counts["groups"]);
    }

    [Fact]
    public async Task The_preview_counts_what_the_export_contains_and_writes_nothing()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        await SampleConfiguration.SeedAsync(session);
        var before = _test.Dump();

        var preview = await new ExportPreviewer(session).GetExportPreviewAsync(includeSecrets: false);

        Assert.Equal(before, _test.Dump());
        Assert.Empty(Directory.GetFileSystemEntries(_out.Path));
        var result = await new ConfigExporter(session).ExportAsync(new ExportOptions(), Stream.Null);
        Assert.Equal(result.Counts, preview.Areas.ToDictionary(a => a.Area, a => a.Count));
        var users = preview.Areas.Single(a => a.Area == "users");
        Assert.Equal(new SecretFieldPreview("passwordHash", 1, false), Assert.Single(users.SecretFields));
        Assert.Contains(new SecretFieldPreview("config.secretAccessKey", 1, false), preview.Areas.Single(a => a.Area == "adapters").SecretFields);
    }

    [Fact]
    public async Task An_existing_file_is_never_overwritten()
    {
        await using var session = await _test.InitializeAndOpenAsync();
        var target = _out.Combine("mine.json.gz");
        await File.WriteAllTextAsync(target, "precious");

        await Assert.ThrowsAsync<InvalidInputException>(() => new ConfigExporter(session).ExportToFileAsync(new ExportOptions(), target));

        Assert.Equal("precious", await File.ReadAllTextAsync(target));
    }

    /// <summary>The sample configuration with the SSO provider's client secret damaged (it no longer authenticates), opened.</summary>
    private async Task<ConfigurationSession> SampleWithAnUndecryptableSecretAsync()
    {
        await using (var seed = await _test.InitializeAndOpenAsync())
        {
            await SampleConfiguration.SeedAsync(seed);
        }

        _test.Execute("UPDATE sso_providers SET \"ClientSecret\" = substr(\"ClientSecret\", 1, length(\"ClientSecret\") - 4) || 'AAAA'");
        return await _test.OpenAsync();
    }

    /// <summary>
    /// An output that cannot seek, such as an HTTP response: what is written to it cannot be taken back. It keeps what it
    /// takes; given <paramref name="afterBytes"/>, it does <paramref name="then"/> (fails, or cancels the export) past them.
    /// </summary>
    private sealed class ForwardOnlyStream(int afterBytes = int.MaxValue, Action? then = null) : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Written.Write(buffer, offset, count);
            if (Written.Length > afterBytes)
            {
                then?.Invoke();
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A secret's value in the document, by the field names SampleConfiguration uses.</summary>
    private static string? SecretIn(JsonObject document, string field)
    {
        var parts = field.Split('.');
        if (parts[0] == "adapters")
        {
            var adapter = document["adapters"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == parts[1]);
            return adapter!["config"]![parts[2]]?.GetValue<string>();
        }

        return document[parts[0]]!.AsArray().Single()![parts[1]]?.GetValue<string>();
    }
}
