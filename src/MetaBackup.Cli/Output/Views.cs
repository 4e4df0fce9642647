using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Cli.Output;

/// <summary>How records are shown: through <see cref="SecretMasking"/>, so a secret is only ever "set" or "not set".</summary>
public static class Views
{
    public static JsonObject Of<T>(ConfigurationSession session, T record) where T : ConfigRecord => record switch
    {
        Adapter adapter => OfAdapter(session, adapter),
        Job job => OfJob(session, job),
        _ => SecretMasking.View(ConfigurationAreas.For<T>(), record),
    };

    /// <summary>The name of an adapter ("kind/name") or profile an id refers to, for people; the id itself when it is gone.</summary>
    public static string AdapterName(ConfigurationSession session, string id) =>
        session.Db.Adapters.AsNoTracking().FirstOrDefault(a => a.Id == id) is { } adapter
            ? $"{Kinds.Name(adapter.Kind)}/{adapter.Name}"
            : id;

    public static string? ProfileName(ConfigurationSession session, string? id) =>
        id is null ? null : session.Db.EncryptionProfiles.AsNoTracking().FirstOrDefault(p => p.Id == id)?.Name ?? id;

    /// <summary>A job with the names of what it uses beside their ids: its source, destinations, notifications and profile.</summary>
    private static JsonObject OfJob(ConfigurationSession session, Job job)
    {
        var view = SecretMasking.View(ConfigurationAreas.Jobs, job);
        view["source"] = AdapterName(session, job.SourceAdapterId);
        view["encryptionProfile"] = ProfileName(session, job.EncryptionProfileId);
        view["to"] = string.Join(", ", job.Destinations.Select(d => $"{AdapterName(session, d.AdapterId)} (keep {d.Retention})"));
        foreach (var (item, destination) in view["destinations"]!.AsArray().Zip(job.Destinations))
        {
            item!["adapter"] = AdapterName(session, destination.AdapterId);
        }

        foreach (var (item, notification) in view["notifications"]!.AsArray().Zip(job.Notifications))
        {
            item!["adapter"] = AdapterName(session, notification.AdapterId);
        }

        return view;
    }

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
