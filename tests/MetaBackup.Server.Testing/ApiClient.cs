using Xunit;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaBackup.Server.Testing;

/// <summary>Every response body a test received, to scan for secrets.</summary>
public sealed class ResponseLog
{
    private readonly List<(string Request, string Body)> _entries = [];

    public IReadOnlyList<(string Request, string Body)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(string request, string body)
    {
        lock (_entries)
        {
            _entries.Add((request, body));
        }
    }
}

/// <summary>One answer: its status, headers and body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>The problem's stable code, for an error answer.</summary>
    public string? Code => ContentHeaders?.ContentType?.MediaType == "application/problem+json" ? Json["code"]?.GetValue<string>() : null;

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// A client of the API as a browser or script would be: its own cookies; after signing in with a password, it sends the
/// antiforgery token on every request that changes something (as the UI will); or it sends an API key.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResponseLog _log;

    public ApiClient(Uri address, ResponseLog log, CookieContainer? cookies = null)
    {
        _log = log;
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true }) { BaseAddress = address };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The same person at another server: this client's cookies and antiforgery token, sent to <paramref name="address"/>.</summary>
    public ApiClient At(Uri address) => new(address, _log, Cookies) { AntiforgeryToken = AntiforgeryToken };

    /// <summary>The antiforgery token of the signed-in session; null to send none.</summary>
    public string? AntiforgeryToken { get; set; }

    /// <summary>An API key to send as Bearer; null to send none.</summary>
    public string? ApiKey { get; set; }

    public ResponseLog Log => _log;

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResponse> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    public Task<ApiResponse> PatchAsync(string path, object body, string? ifMatch = null) => SendAsync(HttpMethod.Patch, path, body, ifMatch);

    public Task<ApiResponse> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, body);

    public Task<ApiResponse> DeleteAsync(string path, string? ifMatch = null) => SendAsync(HttpMethod.Delete, path, null, ifMatch);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (content is not null)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (AntiforgeryToken is not null && method != HttpMethod.Get)
        {
            request.Headers.Add("X-CSRF-TOKEN", AntiforgeryToken);
        }

        if (ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        _log.Add($"{method} {path}", text);
        return new ApiResponse(response.StatusCode, response.Headers, response.Content.Headers, text);
    }

    /// <summary>A request whose answer is a file: its bytes (recorded as text too, for the secret scans).</summary>
    public async Task<(HttpStatusCode Status, byte[] Bytes, HttpContentHeaders Headers)> DownloadAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        if (AntiforgeryToken is not null && method != HttpMethod.Get)
        {
            request.Headers.Add("X-CSRF-TOKEN", AntiforgeryToken);
        }

        if (ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        }

        using var response = await _http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        _log.Add($"{method} {path}", Encoding.UTF8.GetString(bytes));
        return (response.StatusCode, bytes, response.Content.Headers);
    }

    /// <summary>Asserts the status, and returns the answer.</summary>
    public static ApiResponse Expect(HttpStatusCode status, ApiResponse response)
    {
        Assert.True(response.Status == status, $"expected {(int)status}, got {response}");
        return response;
    }

    /// <summary>Creates the first administrator and signs in as them.</summary>
    public async Task SetUpAsync(string email = "admin@example.com", string password = "first admin password")
    {
        var session = Expect(HttpStatusCode.Created, await PostAsync("/api/v1/setup", new { email, name = "Admin", password })).Json;
        AntiforgeryToken = session["antiforgeryToken"]!.GetValue<string>();
    }

    /// <summary>Signs in with a password; returns the answer.</summary>
    public async Task<ApiResponse> SignInAsync(string email, string password)
    {
        var response = await PostAsync("/api/v1/session", new { email, password });
        if (response.Status == HttpStatusCode.OK)
        {
            AntiforgeryToken = response.Json["antiforgeryToken"]!.GetValue<string>();
        }

        return response;
    }

    public void Dispose() => _http.Dispose();
}
