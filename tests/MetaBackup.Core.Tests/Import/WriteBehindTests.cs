using MetaBackup.Core.Import;

namespace MetaBackup.Core.Tests.Import;

/// <summary>
/// Items handed to a consumer on another thread (<see cref="WriteBehind{T}"/>): an import into an empty configuration
/// inserts through it while planning goes on, and disposes it when the plan is refused.
/// </summary>
public sealed class WriteBehindTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_item_reaches_the_consumer_once_and_in_order()
    {
        var consumed = new List<int>();
        await using var behind = new WriteBehind<int>((batch, _) => { consumed.AddRange(batch); return Task.CompletedTask; }, batch: 7, batchesInFlight: 2, CancellationToken.None);
        for (var i = 0; i < 1_000; i++)
        {
            behind.Add(i);
            await behind.HandOverAsync(CancellationToken.None);
        }

        await behind.CompleteAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 1_000), consumed);
    }

    /// <summary>
    /// The batch in hand is a database write in the owner's transaction: cancelled halfway, a PostgreSQL COPY breaks the
    /// connection, and the owner's rollback then met a disposed transaction instead of reporting why it stopped.
    /// </summary>
    [Fact]
    public async Task Disposed_while_a_batch_is_in_hand_it_lets_that_batch_finish_uncancelled_and_drops_those_not_begun()
    {
        var inHand = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumed = new List<int>();
        bool? cancelledInHand = null;
        var behind = new WriteBehind<int>(
            async (batch, stop) =>
            {
                if (batch[0] == 0)
                {
                    inHand.SetResult();
                    await release.Task;
                    cancelledInHand = stop.IsCancellationRequested;
                }

                consumed.AddRange(batch);
            },
            batch: 2,
            batchesInFlight: 4,
            CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            behind.Add(i);
        }

        await behind.HandOverAsync(CancellationToken.None);
        await inHand.Task.WaitAsync(Patience);

        var disposing = behind.DisposeAsync().AsTask();
        release.SetResult();
        await disposing.WaitAsync(Patience);

        Assert.False(cancelledInHand);
        Assert.Equal([0, 1], consumed);
    }

    [Fact]
    public async Task What_the_consumer_throws_reaches_the_next_hand_over_as_it_was_thrown()
    {
        await using var behind = new WriteBehind<int>((_, _) => throw new ImportRefusedException("refused by the consumer"), batch: 1, batchesInFlight: 1, CancellationToken.None);

        var refusal = await Assert.ThrowsAsync<ImportRefusedException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                behind.Add(i);
                await behind.HandOverAsync(CancellationToken.None);
            }

            await behind.CompleteAsync(CancellationToken.None);
        });

        Assert.Equal("refused by the consumer", refusal.Message);
    }
}
