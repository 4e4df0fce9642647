using System.Security.Cryptography;
using MetaBackup.Core.Storage;
using Xunit;

namespace MetaBackup.Storage.Testing;

/// <summary>
/// The contract of <see cref="IBackupStore"/>, as tests. A backend's test class inherits this and
/// says how to make a store on a real server (started on loopback by its fixture) — about ten lines.
/// </summary>
public abstract class BackupStoreConformance
{
    /// <summary>A store on an empty, private location of the backend.</summary>
    protected abstract IBackupStore CreateStore();

    [Fact]
    public async Task An_uploaded_file_is_listed_with_its_size_and_reads_back_byte_for_byte()
    {
        var store = CreateStore();
        var content = RandomNumberGenerator.GetBytes(200_000);

        await store.UploadAsync("config_backup_a.json.gz.enc", new MemoryStream(content), CancellationToken.None);

        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal("config_backup_a.json.gz.enc", listed.Name);
        Assert.Equal(content.Length, listed.Size);
        Assert.Equal(content, await ReadAllAsync(store, listed.Name));
    }

    [Fact]
    public async Task An_upload_replaces_a_file_of_the_same_name()
    {
        var store = CreateStore();
        await store.UploadAsync("file.txt", new MemoryStream([1, 2, 3]), CancellationToken.None);

        await store.UploadAsync("file.txt", new MemoryStream([4, 5]), CancellationToken.None);

        Assert.Equal([4, 5], await ReadAllAsync(store, "file.txt"));
        Assert.Single(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Delete_removes_a_file_and_deleting_a_missing_file_is_not_an_error()
    {
        var store = CreateStore();
        await store.UploadAsync("a", new MemoryStream([1]), CancellationToken.None);
        await store.UploadAsync("b", new MemoryStream([2]), CancellationToken.None);

        await store.DeleteAsync("a", CancellationToken.None);
        await store.DeleteAsync("never-there", CancellationToken.None);

        Assert.Equal(["b"], (await store.ListAsync(CancellationToken.None)).Select(f => f.Name));
    }

    [Fact]
    public async Task Reading_a_missing_file_says_it_is_not_there()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<StorageFileNotFoundException>(() => store.OpenReadAsync("missing", CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_upload_leaves_no_file_under_its_name_and_keeps_the_previous_one()
    {
        var store = CreateStore();
        await store.UploadAsync("backup", new MemoryStream([7, 7, 7]), CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => store.UploadAsync("backup", new FailingStream(100_000), CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.UploadAsync("new-backup", new FailingStream(100_000), CancellationToken.None));

        Assert.Equal(["backup"], (await store.ListAsync(CancellationToken.None)).Select(f => f.Name));
        Assert.Equal([7, 7, 7], await ReadAllAsync(store, "backup"));
    }

    [Fact]
    public async Task The_connection_test_passes_and_leaves_nothing_behind()
    {
        var store = CreateStore();

        await store.TestAsync(CancellationToken.None);

        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("dir/file")]
    [InlineData("")]
    public async Task Names_that_are_paths_are_refused(string name)
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<StorageException>(() => store.UploadAsync(name, new MemoryStream([1]), CancellationToken.None));
    }

    protected static async Task<byte[]> ReadAllAsync(IBackupStore store, string name)
    {
        await using var stream = await store.OpenReadAsync(name, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>A source that fails after some bytes, like a connection dropped mid-upload.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _given;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= failAfter)
            {
                throw new IOException("The source failed mid-upload (simulated).");
            }

            var n = Math.Min(count, failAfter - _given);
            Array.Fill(buffer, (byte)0x42, offset, n);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
