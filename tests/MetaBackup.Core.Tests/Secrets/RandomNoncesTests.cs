using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Tests.Secrets;

/// <summary>
/// The nonces secrets are sealed with come from a block of random bytes (docs/performance.md, "Import"): a nonce used
/// twice under one key would undo AES-GCM, so no bytes may be handed out twice — within a block, across refills, or
/// to two threads.
/// </summary>
public sealed class RandomNoncesTests
{
    [Fact]
    public async Task Nonces_across_many_blocks_and_two_threads_are_all_different_and_none_is_blank()
    {
        // 20,000 nonces of 12 bytes on each thread: about sixty blocks each.
        List<string> Draw()
        {
            var drawn = new List<string>();
            var nonce = new byte[12];
            for (var i = 0; i < 20_000; i++)
            {
                RandomNonces.Fill(nonce);
                drawn.Add(Convert.ToHexString(nonce));
            }

            return drawn;
        }

        var here = Draw();
        var there = await Task.Factory.StartNew(Draw, TaskCreationOptions.LongRunning);

        var all = here.Concat(there).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.DoesNotContain(new string('0', 24), all);
    }

    [Fact]
    public void Nonces_of_mixed_lengths_never_share_bytes_at_a_block_boundary()
    {
        // Lengths that do not divide the block: the nonce that would cross its end comes from a new block.
        var seen = new HashSet<string>();
        foreach (var length in Enumerable.Range(0, 3_000).Select(i => 5 + (i % 23)))
        {
            var nonce = new byte[length];
            RandomNonces.Fill(nonce);
            Assert.True(seen.Add(Convert.ToHexString(nonce)));
            Assert.False(nonce.All(b => b == 0));
        }
    }

    [Fact]
    public void Two_seals_of_the_same_secret_differ()
    {
        var cipher = new SecretCipher(AesKey.Generate());

        var first = cipher.Seal(new SecretText("hunter2"));
        var second = cipher.Seal(new SecretText("hunter2"));

        Assert.NotEqual(first.Envelope, second.Envelope);
        Assert.Equal("hunter2", cipher.Open(second).Reveal());
    }
}
