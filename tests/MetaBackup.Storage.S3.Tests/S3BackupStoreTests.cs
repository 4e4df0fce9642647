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
