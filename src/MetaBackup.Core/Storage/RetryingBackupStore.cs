using System.Collections.Concurrent;
using Polly;
using Polly.Retry;

namespace MetaBackup.Core.Storage;

/// <summary>How storage operations are retried after a transient failure (docs/storage.md, "Retries").</summary>
/// <param name="MaxRetries">Retries after the first attempt; 0 turns retrying off.</param>
/// <param name="FirstDelay">The wait before the first retry; each next one waits about twice as long (with jitter).</param>
public sealed record RetryPolicy(int MaxRetries, TimeSpan FirstDelay)
{
    public static readonly RetryPolicy Default = new(3, TimeSpan.FromSeconds(2));

    public static readonly RetryPolicy None = new(0, TimeSpan.Zero);
}

/// <summary>
/// Any backend, with a bounded retry with exponential backoff around each operation — the same for every
/// backend, as a wrapper rather than flags inside each. Only failures the backend classified transient
/// (<see cref="StorageException.Transient"/>) are retried; an upload is retried only when its content can
/// be rewound. It counts the attempts each upload took, for the run record.
/// </summary>
public sealed class RetryingBackupStore : IBackupStore
{
    private readonly IBackupStore _inner;
    private readonly ResiliencePipeline _pipeline;
    private readonly ConcurrentDictionary<string, int> _uploadAttempts = new(StringComparer.Ordinal);

    public RetryingBackupStore(IBackupStore inner, RetryPolicy policy, TimeProvider time, Action<string>? notice = null)
    {
        _inner = inner;
        _pipeline = policy.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<StorageException>(e => e.Transient),
                    MaxRetryAttempts = policy.MaxRetries,
                    Delay = policy.FirstDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    OnRetry = retry =>
                    {
                        notice?.Invoke($"retrying in {retry.RetryDelay.TotalSeconds:0.#} s (attempt {retry.AttemptNumber + 2} of {policy.MaxRetries + 1}): {retry.Outcome.Exception?.Message}");
                        return default;
                    },
                })
                .Build();
    }

    public string Description => _inner.Description;

    /// <summary>The most attempts any upload through this store took (0 before the first upload).</summary>
    public int MostUploadAttempts => _uploadAttempts.Values.DefaultIfEmpty(0).Max();

    public async Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var start = content.CanSeek ? content.Position : -1;
        await _pipeline.ExecuteAsync(async token =>
        {
            var attempt = _uploadAttempts.AddOrUpdate(name, 1, (_, n) => n + 1);
            if (attempt > 1)
            {
                if (start < 0)
                {
                    throw new StorageException($"The upload of '{name}' to {Description} failed, and its content cannot be sent again.");
                }

                content.Position = start;
            }

            await _inner.UploadAsync(name, content, token);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredFile>> ListAsync(CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token => await _inner.ListAsync(token), cancellationToken);

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token => await _inner.OpenReadAsync(name, token), cancellationToken);

    public async Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token => await _inner.DeleteAsync(name, token), cancellationToken);

    public async Task TestAsync(CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token => await _inner.TestAsync(token), cancellationToken);
}
