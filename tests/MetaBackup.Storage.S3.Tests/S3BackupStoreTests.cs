using MetaBackup.Core.Storage;
using MetaBackup.Storage.Testing;

namespace MetaBackup.Storage.S3.Tests;

/// <summary>The storage conformance suite against a real S3-compatible server on loopback.</summary>
public sealed class S3BackupStoreTests(S3rverFixture server) : BackupStoreConformance, IClassFixture<S3rverFixture>
{
    protected override IBackupStore CreateStore() => server.CreateStore();

    [Fact]
    public async Task Wrong_credentials_fail_with_a_message_naming_the_destination()
    {
        var store = new S3BackupStoreFactory().Create("s3-test", BadCredentials());

        var error = await Assert.ThrowsAsync<StorageException>(() => store.TestAsync(CancellationToken.None));

        Assert.Contains("S3 destination 's3-test'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3RVER-WRONG", error.Message, StringComparison.Ordinal);
    }

    private Core.Adapters.AdapterConfig BadCredentials()
    {
        var config = Core.Adapters.AdapterConfig.Empty(Core.Adapters.AdapterTypes.Find(Core.Adapters.AdapterKind.Storage, "s3")!);
        config.Set("endpoint", server.Endpoint);
        config.Set("region", "us-east-1");
        config.Set("bucket", "no-such-bucket");
        config.Set("forcePathStyle", "true");
        config.Set("accessKeyId", "S3RVER");
        config.SetSecret("secretAccessKey", new Core.Secrets.SecretText("S3RVER-WRONG"));
        return config;
    }
}

/// <summary>Export to S3, wipe the data directory, import from S3: the same configuration.</summary>
public sealed class S3RestoreTests(S3rverFixture server) : IClassFixture<S3rverFixture>
{
    [Fact]
    public Task A_configuration_exported_to_s3_comes_back_after_the_data_directory_is_wiped() =>
        MetaBackup.Testing.DestinationDrill.RunAsync(server.CreateStore());
}
