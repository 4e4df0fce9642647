using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Storage;

namespace MetaBackup.Storage.S3;

/// <summary>
/// An S3 bucket (any S3-compatible service), under an optional key prefix. A PUT makes an object
/// visible only once it is complete, so an interrupted upload never leaves a partial object under
/// its name. Checksums are sent only where the service requires them, and bodies are not
/// aws-chunked, so S3-compatible servers that do not implement those extensions store objects as sent.
/// </summary>
public sealed class S3BackupStore(string adapterName, IAmazonS3 client, string bucket, string prefix) : IBackupStore
{
    public string Description => $"S3 destination '{adapterName}' (bucket {bucket}{(prefix.Length > 0 ? $", prefix {prefix}" : "")})";

    public async Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        // The SDK needs a length or a seekable stream; a temporary copy keeps memory flat for any size.
        await using var buffer = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        await Call($"upload '{name}'", () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = KeyOf(name),
            InputStream = buffer,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, cancellationToken));
    }

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        string? token = null;
        do
        {
            var page = await Call("list files", () => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken));
            files.AddRange((page.S3Objects ?? [])
                .Where(o => !o.Key[prefix.Length..].Contains('/', StringComparison.Ordinal))
                .Select(o => new StoredFile(o.Key[prefix.Length..], o.Size ?? 0, o.LastModified ?? DateTime.UnixEpoch)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetObjectAsync(bucket, KeyOf(name), cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new StorageFileNotFoundException(Description, name);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or AmazonClientException)
        {
            throw Failed($"read '{name}'", e);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        Call($"delete '{name}'", () => client.DeleteObjectAsync(bucket, KeyOf(name), cancellationToken));

    public async Task TestAsync(CancellationToken cancellationToken)
    {
        var probe = $".metabackup-test-{Guid.NewGuid():N}";
        await UploadAsync(probe, new MemoryStream([1, 2, 3]), cancellationToken);
        await DeleteAsync(probe, cancellationToken);
    }

    private string KeyOf(string name) => prefix + StorageNames.Check(name);

    private async Task<T> Call<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or AmazonClientException)
        {
            throw Failed(what, e);
        }
    }

    private StorageException Failed(string what, Exception e) => new(
        $"Could not {what} in {Description}: {e.Message}",
        "Check the adapter's endpoint, region, bucket and credentials, and that the service is reachable.",
        e,
        transient: IsTransient(e));

    /// <summary>Network failures, timeouts, throttling and the service's own failures (5xx) may pass; a refusal (4xx) will not.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        AmazonServiceException { StatusCode: var status } when (int)status >= 500 || status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout => true,
        AmazonServiceException { ErrorCode: "SlowDown" or "RequestTimeout" or "Throttling" or "ThrottlingException" } => true,
        AmazonServiceException { StatusCode: var status } when (int)status is >= 400 and < 500 => false,
        _ => e is HttpRequestException or AmazonClientException or TaskCanceledException or IOException || e.InnerException is HttpRequestException or IOException or System.Net.Sockets.SocketException,
    };
}

/// <summary>The factory for <c>s3</c> adapters.</summary>
public sealed class S3BackupStoreFactory : IBackupStoreFactory
{
    public string Type => "s3";

    public IBackupStore Create(string adapterName, AdapterConfig config, RememberConfig? remember = null)
    {
        var plain = config.Plain;
        var settings = new AmazonS3Config
        {
            ForcePathStyle = plain["forcePathStyle"]?.GetValue<bool>() ?? false,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            AuthenticationRegion = plain["region"]!.GetValue<string>(),
        };
        if (plain["endpoint"]?.GetValue<string>() is { Length: > 0 } endpoint)
        {
            settings.ServiceURL = endpoint;
        }
        else
        {
            settings.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(plain["region"]!.GetValue<string>());
        }

        var credentials = new BasicAWSCredentials(plain["accessKeyId"]!.GetValue<string>(), config.Secret("secretAccessKey")?.Reveal() ?? "");
        var prefix = plain["prefix"]?.GetValue<string>() is { Length: > 0 } p ? p.TrimEnd('/') + "/" : "";
        return new S3BackupStore(adapterName, new AmazonS3Client(credentials, settings), plain["bucket"]!.GetValue<string>(), prefix);
    }
}
