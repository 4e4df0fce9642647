using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Cli.Output;

/// <summary>How operation results are shown: through <see cref="SecretMasking"/>, so a secret is only ever "set" or "not set".</summary>
public static class Views
{
    public static JsonObject Of<T>(T record) where T : ConfigRecord => SecretMasking.View(ConfigurationAreas.For<T>(), record);

    /// <summary>An adapter with its config as an object and its declared secret keys as set / not set.</summary>
    public static JsonObject Of(AdapterView view)
    {
        var json = SecretMasking.View(ConfigurationAreas.Adapters, view.Adapter, view.Secrets);
        json["config"] = view.Config.DeepClone();
        return json;
    }

    /// <summary>A job with the names of what it uses beside their ids: its source, destinations, notifications and profile.</summary>
    public static JsonObject Of(JobView view)
    {
        var job = view.Job;
        var json = SecretMasking.View(ConfigurationAreas.Jobs, job);
        json["source"] = view.NameOf(job.SourceAdapterId);
        json["encryptionProfile"] = view.ProfileName;
        json["to"] = string.Join(", ", job.Destinations.Select(d => $"{view.NameOf(d.AdapterId)} (keep {d.Retention})"));
        foreach (var (item, destination) in json["destinations"]!.AsArray().Zip(job.Destinations))
        {
            item!["adapter"] = view.NameOf(destination.AdapterId);
        }

        foreach (var (item, notification) in json["notifications"]!.AsArray().Zip(job.Notifications))
        {
            item!["adapter"] = view.NameOf(notification.AdapterId);
        }

        return json;
    }
}
