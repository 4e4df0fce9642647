using System.Text.Json.Nodes;
using MetaBackup.Core.Secrets;
using MetaBackup.Server.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace MetaBackup.Server.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> (docs/api.md), generated from the routes themselves: their request
/// and response types as the API's JSON writes them (secret fields absent, <c>secrets</c> as set / not set; secrets in
/// requests write-only strings), the two ways to authenticate, and every route's problem-details errors.
/// </summary>
public static class ApiDocument
{
    public const string ProblemSchema = "Problem";
    public const string CookieScheme = "session";
    public const string BearerScheme = "apiKey";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "MetaBackup API",
                Version = "v1",
                Description = "The configuration of a self-hosted database-backup manager, and its disaster recovery. See docs/api.md.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = SessionCookie.CookieName,
                Description = $"The session cookie from POST /api/v1/session; requests that change something also send the antiforgery token in {AntiforgeryCheck.HeaderName}.",
            };
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (mbk_…), shown once when it was created.",
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
            operation.Responses ??= [];
            if (anonymous)
            {
                operation.Security = [];
            }
            else
            {
                operation.Responses.TryAdd("401", ProblemResponse("Not signed in, or the credentials are not valid (unknown, expired or revoked key; a disabled user's session)."));
                operation.Responses.TryAdd("403", ProblemResponse("The caller lacks the permission the operation needs (audited), or a cookie-signed request lacks its antiforgery token."));
            }

            operation.Responses.TryAdd("4XX", ProblemResponse("The request failed; the problem's code says why (docs/api.md, \"Errors\")."));
            operation.Responses.TryAdd("5XX", ProblemResponse("The server could not do it: its database or system key (503), a storage destination or connection (502), or an unexpected failure (500)."));
            return Task.CompletedTask;
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type == typeof(SecretText))
            {
                // A secret goes in, never out: a write-only string.
                schema.Type = JsonSchemaType.String;
                schema.WriteOnly = true;
                schema.Format = "password";
            }
            else if (type == typeof(Stream))
            {
                // A file: an upload, a download.
                schema.Type = JsonSchemaType.String;
                schema.Format = "binary";
                schema.Properties?.Clear();
            }
            else if (type == typeof(JsonObject) || type == typeof(JsonNode))
            {
                schema.Type = type == typeof(JsonObject) ? JsonSchemaType.Object : null;
            }

            return Task.CompletedTask;
        });
    });

    private static OpenApiResponse ProblemResponse(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema) },
        },
    };

    /// <summary>RFC 9457 problem details, with the members MetaBackup adds.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. 'type' resolves to what the problem means; 'code' is stable; 'details' carries the data behind the message.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The problem type's URI, e.g. /problems/not-found." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The stable error code, e.g. not-found, conflict, backup-refused." },
            ["hint"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What to do." },
            ["details"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
        Required = new HashSet<string> { "type", "title", "status", "code" },
    };
}
