using System.Text.Json.Nodes;
using MetaBackup.Core.Export;
using MetaBackup.Core.Persistence;

namespace MetaBackup.Testing;

/// <summary>
/// The whole configuration of a store as text — all nine areas, every record with its id and times,
/// every secret decrypted — so two stores can be compared for "the same configuration".
/// </summary>
public static class ConfigurationText
{
    public static async Task<string> OfAsync(ConfigurationSession session)
    {
        using var directory = new TempDirectory();
        var path = await new ConfigExporter(session).ExportSnapshotAsync(directory.Path);
        var document = JsonNode.Parse(BackupDocument.ReadText(path, session.SystemKey.Key.Bytes.ToArray()))!.AsObject();
        document.Remove("metadata");
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
