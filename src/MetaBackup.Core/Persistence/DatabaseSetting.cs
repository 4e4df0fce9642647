namespace MetaBackup.Core.Persistence;

/// <summary>The environment variable that chooses the configuration database (docs/database.md).</summary>
public static class DatabaseSetting
{
    public const string Variable = "METABACKUP_DATABASE";
}
