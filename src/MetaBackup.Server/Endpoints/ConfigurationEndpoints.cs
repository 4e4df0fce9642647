using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.ApiKeys;
using MetaBackup.Core.Application;
using MetaBackup.Core.Credentials;
using MetaBackup.Core.Groups;
using MetaBackup.Core.Jobs;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Sso;
using MetaBackup.Core.Users;
using MetaBackup.Hosting;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>A credential profile's fields; secrets by field name (password, privateKey, passphrase, token), write-only.</summary>
public sealed record CredentialRequest(string? Name = null, string? Description = null, string? Username = null, Dictionary<string, SecretText>? Secrets = null, List<string>? UnsetSecrets = null)
{
    [JsonIgnore]
    public CredentialInput Input => new(Name, Description, Username);
}

/// <summary>A user's fields; the password is write-only. <c>group</c> "" takes the user out of their group.</summary>
public sealed record UserRequest(string? Email = null, string? Name = null, string? Group = null, bool? Disabled = null, SecretText? Password = null)
{
    [JsonIgnore]
    public UserInput Input => new(Email, Name, Group, Disabled);
}

/// <summary>A group's fields; <c>permissions</c> replaces the whole list.</summary>
public sealed record GroupRequest(string? Name = null, string? Description = null, List<string>? Permissions = null);

/// <summary>An SSO provider's fields; the client secret is write-only.</summary>
public sealed record SsoRequest(string? ProviderId = null, string? Name = null, string? Issuer = null, string? ClientId = null, List<string>? Scopes = null, string? DefaultGroup = null, bool? Enabled = null, SecretText? ClientSecret = null)
{
    [JsonIgnore]
    public SsoInput Input => new(ProviderId, Name, Issuer, ClientId, Scopes, DefaultGroup, Enabled);
}

/// <summary>An API key's fields (the key itself never changes); <c>noExpiry</c> removes the expiry.</summary>
public sealed record ApiKeyRequest(string? Name = null, string? User = null, List<string>? Permissions = null, DateTimeOffset? ExpiresAt = null, bool? NoExpiry = null);

/// <summary>A new API key: the key itself, shown this once — only its hash is kept.</summary>
public sealed record NewApiKey(string Key, ApiKey ApiKey);

/// <summary>
/// An adapter's fields: <c>config</c> sets plain keys (strings, numbers or booleans), <c>secrets</c> sets secret keys
/// (write-only), <c>unset</c> removes keys; keys left out stay. <c>credentialProfile</c> "" detaches the profile.
/// </summary>
public sealed record AdapterRequest(AdapterKind? Kind = null, string? Type = null, string? Name = null, Dictionary<string, JsonNode?>? Config = null, Dictionary<string, SecretText>? Secrets = null, List<string>? Unset = null, string? CredentialProfile = null)
{
    [JsonIgnore]
    public AdapterConfigChange Change => new(
        (Config ?? []).ToDictionary(c => c.Key, c => c.Value is JsonValue value ? value.ToString() : c.Value?.ToJsonString() ?? ""),
        Secrets ?? [],
        Unset ?? []);
}

/// <summary>Every configuration area's routes (docs/api.md, "Configuration areas"), and adapter types and tests.</summary>
public static class ConfigurationEndpoints
{
    public static RouteGroupBuilder MapConfigurationEndpoints(this RouteGroupBuilder api)
    {
        new RecordRoutes<CredentialProfile, CredentialRequest>(
            "/credentials", "Credentials",
            () => new ListCredentials(),
            reference => new ShowCredential(reference),
            request => new AddCredential(request.Input, request.Secrets ?? []),
            (reference, request, version) => new UpdateCredential(reference, request.Input, request.Secrets ?? [], request.UnsetSecrets ?? [], version),
            (reference, version) => new RemoveCredential(reference, version),
            view => view.UpdatedAt,
            view => view.Id).MapTo(api);

        new RecordRoutes<User, UserRequest>(
            "/users", "Users",
            () => new ListUsers(),
            reference => new ShowUser(reference),
            request => new AddUser(request.Input, request.Password),
            (reference, request, version) => new UpdateUser(reference, request.Input, request.Password, version),
            (reference, version) => new RemoveUser(reference, version),
            view => view.UpdatedAt,
            view => view.Id).MapTo(api);

        new RecordRoutes<Group, GroupRequest>(
            "/groups", "Groups",
            () => new ListGroups(),
            reference => new ShowGroup(reference),
            request => new AddGroup(Required.Field(request.Name, "name"), request.Description, request.Permissions ?? []),
            (reference, request, version) => new UpdateGroup(reference, request.Name, request.Description, request.Permissions, version),
            (reference, version) => new RemoveGroup(reference, version),
            view => view.UpdatedAt,
            view => view.Id).MapTo(api);

        new RecordRoutes<SsoProvider, SsoRequest>(
            "/sso-providers", "SSO providers",
            () => new ListSsoProviders(),
            reference => new ShowSsoProvider(reference),
            request => new AddSsoProvider(request.Input, request.ClientSecret),
            (reference, request, version) => new UpdateSsoProvider(reference, request.Input, request.ClientSecret, version),
            (reference, version) => new RemoveSsoProvider(reference, version),
            view => view.UpdatedAt,
            view => view.Id).MapTo(api);

        new RecordRoutes<JobView, JobInput>(
            "/jobs", "Jobs",
            () => new ListJobs(),
            reference => new ShowJob(reference),
            request => new AddJob(request),
            (reference, request, version) => new UpdateJob(reference, request, version),
            (reference, version) => new RemoveJob(reference, version),
            view => view.Job.UpdatedAt,
            view => view.Job.Id).MapTo(api);

        new RecordRoutes<AdapterView, AdapterRequest>(
            "/adapters", "Adapters",
            () => new ListAdapters(),
            reference => new ShowAdapter(reference),
            request => new AddAdapter(Required.Field(request.Kind, "kind"), Required.Field(request.Type, "type"), Required.Field(request.Name, "name"), request.Change, request.CredentialProfile),
            (reference, request, version) => new UpdateAdapter(reference, request.Name, request.Change, request.CredentialProfile, version),
            (reference, version) => new RemoveAdapter(reference, version),
            view => view.UpdatedAt,
            view => view.Id).MapTo(api);

        new RecordRoutes<ApiKeyView, ApiKeyRequest>(
            "/api-keys", "API keys",
            () => new ListApiKeys(),
            reference => new ShowApiKey(reference),
            null,
            (reference, request, version) => new UpdateApiKey(reference, request.Name, request.Permissions, request.ExpiresAt, request.NoExpiry ?? false, version),
            (reference, version) => new RemoveApiKey(reference, version),
            view => view.ApiKey.UpdatedAt,
            view => view.ApiKey.Id).MapTo(api)
            .MapPost("/", async Task<Created<NewApiKey>> (ApiKeyRequest request, MetaBackupScope app, CancellationToken ct) =>
            {
                var issued = await app.RunAsync(new AddApiKey(Required.Field(request.Name, "name"), Required.Field(request.User, "user"), request.Permissions ?? [], request.ExpiresAt), ct);
                return TypedResults.Created($"/api/v1/api-keys/{issued.Record.Id}", new NewApiKey(issued.Key.Reveal(), issued.Record));
            })
            .WithName("API keys.add").WithSummary("Create an API key for a user; the key is in this response only — keep it now.");

        api.MapGroup("/adapters").WithTags("Adapters")
            .MapPost("/{reference}/test", async (string reference, MetaBackupScope app, CancellationToken ct) =>
                TypedResults.Ok(await app.RunAsync(new TestAdapter(reference), ct)))
            .WithName("Adapters.test")
            .WithSummary("Test the adapter's connection: storage writes, lists and deletes a small file; a database connects and queries; a notification channel gets a test message. 502 with the reason when it fails.");
        api.MapGet("/adapter-types", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(new ListAdapterTypes(), ct)))
            .WithTags("Adapters").WithName("Adapters.types").WithSummary("Every adapter type: its config keys (required, optional, secret) and whether its connections can be tested.");
        return api;
    }
}
