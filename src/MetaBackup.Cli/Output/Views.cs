using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Cli.Output;

/// <summary>How records are shown: through <see cref="SecretMasking"/>, so a secret is only ever "set" or "not set".</summary>
public static class Views
{
    public static JsonObject Of<T>(ConfigurationSession session, T record) where T : ConfigRecord =>
        record is Adapter adapter ? OfAdapter(session, adapter) : SecretMasking.View(ConfigurationAreas.For<T>(), record);

    /// <summary>An adapter with its config as an object and its declared secret keys as set / not set.</summary>
    private static JsonObject OfAdapter(ConfigurationSession session, Adapter adapter)
    {
        var config = new AdaptersService(session).ReadConfig(adapter);
        var type = AdaptersService.TypeOf(adapter.Kind, adapter.Type);
        var set = config.SecretKeysSet.ToHashSet();
        var view = SecretMasking.View(ConfigurationAreas.Adapters, adapter, type.SecretKeys.ToDictionary(k => k.Name, k => set.Contains(k.Name)));
        view["config"] = config.Plain;
        return view;
    }
}
