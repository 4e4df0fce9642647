using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// The applier's records are built on another thread, ahead of their inserts, and the planner's read ahead of their
/// planning (<see cref="ReadAhead"/>: an asynchronous consumer, and one that blocks).
/// </summary>
public sealed class ReadAheadTests
{
    [Fact]
    public async Task Every_item_arrives_once_and_in_order()
    {
        var received = new List<int>();
        await foreach (var item in ReadAhead.Of(Enumerable.Range(0, 10_000), batch: 7, batchesInFlight: 3))
        {
            received.Add(item);
        }

        Assert.Equal(Enumerable.Range(0, 10_000), received);
    }

    [Fact]
    public async Task The_sequence_runs_ahead_of_its_consumer()
    {
        var producedAhead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Enumerated where it is consumed, the sequence would wait for the consumer, which waits for it: a timeout.
        var received = 0;
        await foreach (var _ in ReadAhead.Of(MadeAhead(() => producedAhead.TrySetResult()), batch: 10, batchesInFlight: 2))
        {
            if (received++ == 0)
            {
                await producedAhead.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        Assert.Equal(100, received);
    }

    [Fact]
    public async Task What_the_sequence_throws_reaches_the_consumer_as_it_was_thrown_after_the_items_before_it()
    {
        var received = new List<int>();
        var thrown = await Assert.ThrowsAsync<ImportRefusedException>(async () =>
        {
            await foreach (var item in ReadAhead.Of(RefusedAfter25(), batch: 10, batchesInFlight: 2))
            {
                received.Add(item);
            }
        });

        Assert.Contains("changed", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 20), received);
    }

    [Fact]
    public async Task A_consumer_that_stops_stops_the_sequence_before_it_goes_on()
    {
        var sequence = new WatchedSequence();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var item in ReadAhead.Of(sequence.Items(), batch: 10, batchesInFlight: 2))
            {
                if (item == 5)
                {
                    throw new InvalidOperationException("the insert failed");
                }
            }
        });

        // Stopped and left (its finally ran) by the time the consumer's loop is left: a few batches made, not a million.
        Assert.True(sequence.Finished);
        Assert.InRange(Volatile.Read(ref sequence.Produced), 6, 100);
    }

    [Fact]
    public void A_blocking_consumer_gets_every_item_once_and_in_order_read_on_another_thread()
    {
        var consumer = Environment.CurrentManagedThreadId;
        var readOn = new HashSet<int>();
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 10_000; i++)
            {
                lock (readOn)
                {
                    readOn.Add(Environment.CurrentManagedThreadId);
                }

                yield return i;
            }
        }

        var received = ReadAhead.OnItsOwnThread(Source(), batch: 7, batchesInFlight: 3).ToList();

        Assert.Equal(Enumerable.Range(0, 10_000), received);
        Assert.DoesNotContain(consumer, readOn);
    }

    [Fact]
    public void For_a_blocking_consumer_the_sequence_runs_ahead()
    {
        using var producedAhead = new ManualResetEventSlim();

        // Enumerated where it is consumed, the sequence would wait for the consumer, which waits for it: a timeout.
        var received = 0;
        foreach (var _ in ReadAhead.OnItsOwnThread(MadeAhead(producedAhead.Set), batch: 10, batchesInFlight: 2))
        {
            if (received++ == 0)
            {
                Assert.True(producedAhead.Wait(TimeSpan.FromSeconds(30)));
            }
        }

        Assert.Equal(100, received);
    }

    [Fact]
    public void What_the_sequence_throws_reaches_a_blocking_consumer_as_it_was_thrown_after_the_items_before_it()
    {
        var received = new List<int>();
        var thrown = Assert.Throws<ImportRefusedException>(() =>
        {
            foreach (var item in ReadAhead.OnItsOwnThread(RefusedAfter25(), batch: 10, batchesInFlight: 2))
            {
                received.Add(item);
            }
        });

        Assert.Contains("changed", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 20), received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_blocking_consumer_that_stops_or_is_cancelled_stops_the_sequence_before_it_goes_on(bool cancelled)
    {
        var sequence = new WatchedSequence();

        using var cancellation = new CancellationTokenSource();
        var stopped = Assert.ThrowsAny<Exception>(() =>
        {
            foreach (var item in ReadAhead.OnItsOwnThread(sequence.Items(), batch: 10, batchesInFlight: 2, cancellation.Token))
            {
                if (item == 5)
                {
                    if (!cancelled)
                    {
                        throw new InvalidOperationException("the plan failed");
                    }

                    cancellation.Cancel();
                }
            }
        });

        Assert.IsType(cancelled ? typeof(OperationCanceledException) : typeof(InvalidOperationException), stopped);
        // Stopped and left (its finally ran) by the time the consumer's loop is left: a few batches made, not a million.
        Assert.True(sequence.Finished);
        Assert.InRange(Volatile.Read(ref sequence.Produced), 6, 100);
    }

    /// <summary>A hundred items, <paramref name="reached"/> called as the twenty-first is made: two batches of ten made ahead.</summary>
    private static IEnumerable<int> MadeAhead(Action reached)
    {
        for (var i = 0; i < 100; i++)
        {
            if (i == 20)
            {
                reached();
            }

            yield return i;
        }
    }

    /// <summary>Twenty-five items, then the refusal a backup file changed midway gets.</summary>
    private static IEnumerable<int> RefusedAfter25()
    {
        for (var i = 0; i < 25; i++)
        {
            yield return i;
        }

        throw new ImportRefusedException("The backup file changed while it was being imported.", "Import it again.");
    }

    /// <summary>A million items, counted as they are made; <see cref="Finished"/> once the sequence was left (its finally ran).</summary>
    private sealed class WatchedSequence
    {
        public int Produced;

        public bool Finished { get; private set; }

        public IEnumerable<int> Items()
        {
            try
            {
                for (var i = 0; i < 1_000_000; i++)
                {
                    Interlocked.Increment(ref Produced);
                    yield return i;
                }
            }
            finally
            {
                Finished = true;
            }
        }
    }
}
