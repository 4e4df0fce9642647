using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MetaBackup.Core.Adapters;

namespace MetaBackup.Connections;

/// <summary>
/// Notification channels reached by posting JSON to a URL (webhook, Slack, Discord): post one test message
/// and expect a 2xx answer. The URL carries its token, so messages name the host, never the URL.
/// </summary>
public sealed class WebhookConnectionTester(string type, string urlKey, Func<string, JsonObject> message) : IConnectionTester
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public AdapterKind Kind => AdapterKind.Notification;

    public string Type => type;

    public static IEnumerable<WebhookConnectionTester> All =>
    [
        new("webhook", "url", text => new JsonObject { ["event"] = "test", ["text"] = text }),
        new("slack", "webhookUrl", text => new JsonObject { ["text"] = text }),
        new("discord", "webhookUrl", text => new JsonObject { ["content"] = text }),
    ];

    public async Task<string> TestAsync(string adapterName, AdapterConfig config, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(config.Secret(urlKey)?.Reveal(), UriKind.Absolute, out var url))
        {
            throw new ConnectionTestException($"Notification adapter '{adapterName}' has no valid {urlKey}.", $"Set the adapter's secret {urlKey} to the channel's URL.");
        }

        var method = config.Text("method") is "PUT" ? HttpMethod.Put : HttpMethod.Post;
        using var request = new HttpRequestMessage(method, url)
        {
            Content = JsonContent.Create(message($"MetaBackup test notification from adapter '{adapterName}': if you read this, notifications work.")),
        };
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? $"posted a test message to {url.Host}: {(int)response.StatusCode} {response.ReasonPhrase}"
                : throw new ConnectionTestException($"The {type} endpoint of notification adapter '{adapterName}' ({url.Host}) answered {(int)response.StatusCode} {response.ReasonPhrase}.", $"Check its {urlKey} (a secret).");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectionTestException($"Could not reach the {type} endpoint of notification adapter '{adapterName}' ({url.Host}): {e.Message}", $"Check its {urlKey} (a secret) and the network.", e);
        }
    }
}
