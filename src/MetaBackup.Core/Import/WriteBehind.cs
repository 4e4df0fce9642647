using System.Threading.Channels;

namespace MetaBackup.Core.Import;

/// <summary>
/// The mirror of <see cref="ReadAhead"/>: items handed over in batches to a consumer on another thread, which works
/// through them while whoever hands them over goes on — an import into an empty configuration inserts the records its
/// plan creates while the rest of the document is planned, and its verification opens the secrets stored while it reads
/// the rows after them (docs/performance.md, "Import"). At most
/// <c>batchesInFlight</c> full batches wait, so memory stays flat. What the consumer throws is thrown, as it was
/// thrown, to the next hand-over or to <see cref="CompleteAsync"/>; disposing stops the consumer and waits for it to
/// have stopped, so that nothing works behind its owner's back (the consumer writes through the owner's connection).
/// Disposing lets the batch in hand finish and drops those not begun, rather than cancel the batch's work halfway: a
/// PostgreSQL COPY cancelled halfway breaks the connection, and the owner — rolling back because its plan was refused —
/// then met a disposed transaction instead of reporting the refusal (docs/recovery.md, "Applying: all or nothing").
/// The owner's own cancellation still reaches the batch in hand.
/// </summary>
internal sealed class WriteBehind<T> : IAsyncDisposable
{
    private readonly Channel<List<T>> _queue;
    private readonly Task _consuming;
    private readonly int _batch;
    private readonly Queue<List<T>> _full = new();
    private List<T> _filling;
    private volatile bool _dropped;

    public WriteBehind(Func<List<T>, CancellationToken, Task> consume, int batch, int batchesInFlight, CancellationToken cancellationToken)
    {
        _batch = batch;
        _filling = new List<T>(batch);
        _queue = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(batchesInFlight) { SingleReader = true, SingleWriter = true });
        _consuming = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var items in _queue.Reader.ReadAllAsync(cancellationToken))
                    {
                        if (_dropped)
                        {
                            break;
                        }

                        await consume(items, cancellationToken);
                    }
                }
                catch (Exception e)
                {
                    // The next hand-over finds the queue closed and throws what the consumer threw.
                    _queue.Writer.TryComplete(e);
                    throw;
                }
            },
            CancellationToken.None);
    }

    /// <summary>Adds an item to the batch being filled; a full batch waits for <see cref="HandOverAsync"/>.</summary>
    public void Add(T item)
    {
        _filling.Add(item);
        if (_filling.Count == _batch)
        {
            _full.Enqueue(_filling);
            _filling = new List<T>(_batch);
        }
    }

    /// <summary>Hands the full batches to the consumer, waiting while too many are in flight.</summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        while (_full.TryDequeue(out var items))
        {
            await WriteAsync(items, cancellationToken);
        }
    }

    /// <summary>Hands over what is left and waits for the consumer to have worked through everything.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await HandOverAsync(cancellationToken);
        if (_filling.Count > 0)
        {
            await WriteAsync(_filling, cancellationToken);
            _filling = [];
        }

        _queue.Writer.TryComplete();
        await _consuming;
    }

    private async Task WriteAsync(List<T> items, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(items, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Closed by the consumer's failure: that is what to report.
            await _consuming;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _dropped = true;
        _queue.Writer.TryComplete();
        try
        {
            await _consuming;
        }
        catch (Exception)
        {
            // Reported by a hand-over or CompleteAsync; or the owner is already failing for a reason of its own.
        }
    }
}
