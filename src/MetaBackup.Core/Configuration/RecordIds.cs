namespace MetaBackup.Core.Configuration;

/// <summary>Record ids: time-ordered (UUID v7), lower-case hex, 32 characters, unique across installations.</summary>
public static class RecordIds
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
