using MetaBackup.Core.Configuration;
using MetaBackup.Core.IO;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.IO;

/// <summary>Temporary files are removed only when their writer is gone, and only when MetaBackup named them.</summary>
public sealed class AbandonedFilesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_abandoned_temporary_file_goes_while_one_a_live_writer_holds_and_every_other_file_stay()
    {
        var abandoned = _directory.Combine(".config_backup_x.json.gz.enc.0123456789abcdef0123456789abcdef.partial");
        var live = _directory.Combine(".config_backup_y.json.gz.enc.fedcba9876543210fedcba9876543210.partial");
        var foreign = _directory.Combine(".someone-elses.partial");
        var backup = _directory.Combine("config_backup_z.json.gz.enc");
        foreach (var path in new[] { abandoned, live, foreign, backup })
        {
            File.WriteAllText(path, "x");
        }

        int removed;
        using (new FileStream(live, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            removed = AbandonedFiles.Remove(_directory.Path, AbandonedFiles.IsPrivateFileTemporary);
        }

        Assert.Equal(1, removed);
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(backup));
    }

    [Fact]
    public void A_staging_area_whose_owner_is_alive_stays_and_one_whose_owner_is_gone_goes()
    {
        var dataDirectory = new DataDirectory(_directory.Combine("data"));
        using var alive = StagingArea.Create(dataDirectory);
        File.WriteAllText(alive.Combine("export"), "in progress");
        // What a killed owner leaves: its directory, and its lock file that nobody holds any more.
        var gone = Path.Combine(dataDirectory.StagingDirectory, "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(gone);
        File.WriteAllText(Path.Combine(gone, "export"), "left by a killed process");
        File.WriteAllText(gone + ".lock", "");

        Assert.Equal(1, StagingArea.RemoveAbandoned(dataDirectory));

        Assert.True(File.Exists(alive.Combine("export")));
        Assert.False(Directory.Exists(gone));
        Assert.False(File.Exists(gone + ".lock"));
    }

    [Fact]
    public void A_lock_file_left_without_its_staging_directory_goes_and_a_held_one_stays()
    {
        var dataDirectory = new DataDirectory(_directory.Combine("data"));
        using var alive = StagingArea.Create(dataDirectory);
        // A process killed between taking its lock and creating its directory: the lock file alone.
        var orphan = Path.Combine(dataDirectory.StagingDirectory, "fedcba9876543210fedcba9876543210.lock");
        File.WriteAllText(orphan, "");

        Assert.Equal(1, StagingArea.RemoveAbandoned(dataDirectory));

        Assert.False(File.Exists(orphan));
        Assert.True(Directory.Exists(alive.Path));
        Assert.True(File.Exists(alive.Path + ".lock"));
    }
}
