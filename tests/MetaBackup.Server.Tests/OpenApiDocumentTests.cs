using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MetaBackup.Server.Tests;

/// <summary>
/// Issue 10: the OpenAPI document describes the app as it is. The routes come from the app's own endpoint data source;
/// each must be in the document with its request schema (when it takes a body), its success response's schema (when
/// it answers with one), and its problem-details errors; every schema reference resolves; no secret is readable.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private RunningServer _server = null!;
    private JsonNode _document = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        using var client = _server.Client();
        _document = ApiClient.Expect(HttpStatusCode.OK, await client.GetAsync("/openapi/v1.json")).Json;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Every_route_the_app_maps_is_in_the_document_with_its_request_response_and_error_schemas()
    {
        var routes = ApiRoutes.Of(_server);
        var problems = new List<string>();
        foreach (var route in routes)
        {
            var path = Regex.Replace(route.Pattern.TrimEnd('/'), "{([a-z]+):[a-z]+}", "{$1}");
            var operation = _document["paths"]?[path]?[route.Method.ToLowerInvariant()];
            if (operation is null)
            {
                problems.Add($"{route}: not in the document");
                continue;
            }

            var (_, body, content) = ApiRoutes.SampleRequest(route);
            var requestSchema = operation["requestBody"]?["content"]?.AsObject().FirstOrDefault().Value?["schema"];
            if ((body is not null || content is not null) && requestSchema is null)
            {
                problems.Add($"{route}: takes a body, but the document gives no request schema");
            }

            var responses = operation["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0)
            {
                problems.Add($"{route}: no success response");
            }

            foreach (var (status, response) in success.Where(s => s.Key != "204"))
            {
                if (response?["content"]?.AsObject().FirstOrDefault().Value?["schema"] is null)
                {
                    problems.Add($"{route}: the {status} response has no schema");
                }
            }

            foreach (var status in route.Anonymous ? ["4XX", "5XX"] : new[] { "401", "403", "4XX", "5XX" })
            {
                if (responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/Problem")
                {
                    problems.Add($"{route}: no problem-details {status} response");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(routes.Select(r => $"{r.Method} {Regex.Replace(r.Pattern.TrimEnd('/'), "{([a-z]+):[a-z]+}", "{$1}")}").Order(), ApiOperations().Order());
    }

    [Fact]
    public void Every_schema_reference_resolves_and_the_problem_schema_has_the_members_the_server_writes()
    {
        var schemas = _document["components"]!["schemas"]!.AsObject();
        var unresolved = RefPattern().Matches(_document.ToJsonString()).Select(m => m.Groups[1].Value).Where(name => !schemas.ContainsKey(name)).Distinct().ToList();

        Assert.Empty(unresolved);
        Assert.Equal(["code", "detail", "details", "hint", "instance", "status", "title", "traceId", "type"], schemas["Problem"]!["properties"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public void No_response_schema_carries_a_secret_field_and_secrets_in_requests_are_write_only_strings()
    {
        var schemas = _document["components"]!["schemas"]!.AsObject();
        foreach (var name in new[] { "CredentialProfile", "User", "SsoProvider", "ApiKey", "EncryptionProfile", "AdapterView" })
        {
            var properties = schemas[name]!["properties"]!.AsObject().Select(p => p.Key).ToList();
            Assert.Contains("secrets", properties);
            Assert.DoesNotContain(properties, p => p is "password" or "privateKey" or "passphrase" or "token" or "passwordHash" or "clientSecret" or "keyHash" or "key" or "secretConfig");
        }

        var secret = schemas["SecretText"]!;
        Assert.Equal("string", secret["type"]!.GetValue<string>());
        Assert.True(secret["writeOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_reference_page_is_served_by_the_app_and_loads_nothing_from_elsewhere()
    {
        using var client = _server.Client();
        var page = ApiClient.Expect(HttpStatusCode.OK, await client.GetAsync("/api/reference"));
        var scripts = ScriptSource().Matches(page.Body).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) && absolute.Host != _server.Address.Host, $"the page loads {script}");
            ApiClient.Expect(HttpStatusCode.OK, await client.GetAsync(new Uri(new Uri(_server.Address, "/api/reference/"), script).PathAndQuery));
        }

        Assert.DoesNotContain("fonts.scalar.com", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr.net", page.Body, StringComparison.Ordinal);
    }

    private IEnumerable<string> ApiOperations() =>
        _document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/v1", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "patch" or "delete").Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"));

    [GeneratedRegex("\"\\$ref\":\"#/components/schemas/([^\"]+)\"")]
    private static partial Regex RefPattern();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
