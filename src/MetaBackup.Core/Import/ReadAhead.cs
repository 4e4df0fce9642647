using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MetaBackup.Core.Import;

/// <summary>
/// A sequence enumerated on another thread, a few batches ahead of whoever consumes it: the applier's records are built
/// from the document (read, parsed, turned into entities, their secrets sealed) while the records before them are
/// inserted — each about half of applying — and validation's are read while the records before them are checked
/// (docs/performance.md, "Import"). At most <c>batchesInFlight</c> batches wait,
/// so memory stays flat. What the sequence throws is thrown to the consumer, as it was thrown, where the sequence
/// stopped; a consumer that stops (a failure, a cancellation) stops the sequence, and waits for it to have stopped.
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<T> Of<T>(IEnumerable<T> source, int batch, int batchesInFlight, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var queue = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(batchesInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = Task.Run(
            async () =>
            {
                Exception? failure = null;
                try
                {
                    foreach (var items in Batches(source, batch, stop.Token))
                    {
                        await queue.Writer.WriteAsync(items, stop.Token);
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    queue.Writer.TryComplete(failure);
                }
            },
            CancellationToken.None);

        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken))
            {
                while (queue.Reader.TryRead(out var items))
                {
                    foreach (var item in items)
                    {
                        yield return item;
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            // Never left running behind its consumer (it reads the document, and seals with the session's key); what it
            // threw reached the consumer through the queue, or does not matter once the consumer stopped.
            await producing;
        }
    }

    /// <summary>
    /// The same for a consumer that is not asynchronous — the planner, which reads the document in its own order
    /// (<see cref="ImportPlanner"/>): the sequence is enumerated on a thread of its own (not one of the pool's, since the
    /// consumer waits for it by blocking), and the consumer blocks while no batch is ready. What the sequence throws is
    /// thrown to the consumer after the batches before it; a consumer that stops — leaves its loop, fails, is cancelled —
    /// stops the sequence and waits for it to have stopped.
    /// </summary>
    public static IEnumerable<T> OnItsOwnThread<T>(IEnumerable<T> source, int batch, int batchesInFlight, CancellationToken cancellationToken = default)
    {
        using var queue = new BlockingCollection<List<T>>(batchesInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    foreach (var items in Batches(source, batch, stop.Token))
                    {
                        queue.Add(items, stop.Token);
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var consumed = false;
        try
        {
            foreach (var items in queue.GetConsumingEnumerable(cancellationToken))
            {
                foreach (var item in items)
                {
                    yield return item;
                }
            }

            consumed = true;
        }
        finally
        {
            // Never left running behind its consumer. Read to its end, what it threw is the consumer's to know, as it was
            // thrown; stopped early, what it threw (its cancellation, most likely) does not matter any more.
            if (consumed)
            {
                producing.GetAwaiter().GetResult();
            }
            else
            {
                stop.Cancel();
                try
                {
                    producing.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    /// <summary>The sequence in batches of <paramref name="batch"/> (the last one shorter), checked for a stop before each item.</summary>
    private static IEnumerable<List<T>> Batches<T>(IEnumerable<T> source, int batch, CancellationToken stop)
    {
        var items = new List<T>(batch);
        foreach (var item in source)
        {
            stop.ThrowIfCancellationRequested();
            items.Add(item);
            if (items.Count == batch)
            {
                yield return items;
                items = new List<T>(batch);
            }
        }

        if (items.Count > 0)
        {
            yield return items;
        }
    }
}
