using System.Text;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// The CLI's standard output (<see cref="CliHost.StandardOutput"/>): a block of a table goes out in one system call,
/// not in the console's 256-byte pieces, and nothing waits in a buffer once a write returns.
/// </summary>
public sealed class StandardOutputTests
{
    [Fact]
    public void A_block_of_text_goes_out_in_one_write_and_each_write_is_sent_before_it_returns()
    {
        var stream = new CountingStream();
        var stdout = CliHost.StandardOutput(stream, Encoding.UTF8);
        var block = string.Concat(Enumerable.Repeat("jobs            create  nightly-postgres-backup\n", 600));

        stdout.Write("AREA  ACTION  KEY\n");
        Assert.Equal("AREA  ACTION  KEY\n", stream.Text);
        stdout.Write(block);

        Assert.Equal(2, stream.Writes);
        Assert.Equal("AREA  ACTION  KEY\n" + block, stream.Text);
        // As the console writes: without a byte-order mark, though the encoding has one.
        Assert.Equal((byte)'A', stream.ToArray()[0]);
    }

    /// <summary>Counts writes: a span written to a type derived from <see cref="MemoryStream"/> arrives here too.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }
    }
}
