namespace MetaBackup.Web.Tests;

/// <summary>Where the browser tests leave what a person may want to look at: screenshots of every page, in <c>.artifacts/screenshots</c>.</summary>
public static class Artifacts
{
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), ".artifacts", "screenshots")).FullName;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MetaBackup.slnx")))
            {
                return directory.FullName;
            }
        }

        return Path.GetTempPath();
    }
}
