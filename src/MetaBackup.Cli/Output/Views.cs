using System.Text.Json.Nodes;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Cli.Output;

/// <summary>How operation results are shown: as the API shows them (<see cref="SecretMasking.ViewOptions"/>), so a secret is only ever "set" or "not set".</summary>
public static class Views
{
    public static JsonObject Of<T>(T record) where T : ConfigRecord => SecretMasking.ToJson(record).AsObject();

    public static JsonObject Of(AdapterView view) => SecretMasking.ToJson(view).AsObject();

    /// <summary>An API key, with when and from where it was last used.</summary>
    public static JsonObject Of(ApiKeyView view)
    {
        var json = Of(view.ApiKey);
        json["lastUsedAt"] = view.LastUsedAt;
        json["lastUsedFrom"] = view.LastUsedFrom;
        return json;
    }

    /// <summary>A job with the names of what it uses beside their ids: its source, destinations, notifications and profile.</summary>
    public static JsonObject Of(JobView view)
    {
        var job = view.Job;
        var json = Of(job);
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
