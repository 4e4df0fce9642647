using MetaBackup.Core.Application;
using MetaBackup.Hosting;
using MetaBackup.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MetaBackup.Server.Endpoints;

/// <summary>
/// The five routes every configuration area has (docs/api.md, "Configuration areas"), built from the area's
/// operations: list, show (with its ETag), add, update (PATCH: what is left out stays; If-Match honoured) and
/// remove (If-Match honoured). A record is named by its id or natural key. An area whose add returns more than the
/// record (an API key, shown once) maps its add itself.
/// </summary>
/// <typeparam name="TView">What the area's operations return for one record.</typeparam>
/// <typeparam name="TRequest">The body of add and update: every field optional, left out = unchanged on update.</typeparam>
public sealed record RecordRoutes<TView, TRequest>(
    string Path,
    string Tag,
    Func<Operation<IReadOnlyList<TView>>> List,
    Func<string, Operation<TView>> Show,
    Func<TRequest, Operation<TView>>? Add,
    Func<string, TRequest, DateTimeOffset?, Operation<TView>> Update,
    Func<string, DateTimeOffset?, Operation<Done>> Remove,
    Func<TView, DateTimeOffset> VersionOf,
    Func<TView, string> IdOf)
    where TRequest : notnull
{
    public RouteGroupBuilder MapTo(RouteGroupBuilder api)
    {
        var group = api.MapGroup(Path).WithTags(Tag);
        group.MapGet("/", async (MetaBackupScope app, CancellationToken ct) => TypedResults.Ok(await app.RunAsync(List(), ct)))
            .WithName($"{Tag}.list").WithSummary($"List {Tag.ToLowerInvariant()}.");
        group.MapGet("/{reference}", async (string reference, MetaBackupScope app, HttpResponse response, CancellationToken ct) =>
            {
                var view = await app.RunAsync(Show(reference), ct);
                RecordVersion.Tag(response, VersionOf(view));
                return TypedResults.Ok(view);
            })
            .WithName($"{Tag}.show").WithSummary("Show one, by id or natural key; its ETag is its version.");
        if (Add is { } add)
        {
            group.MapPost("/", async Task<Created<TView>> (TRequest request, MetaBackupScope app, HttpResponse response, CancellationToken ct) =>
                {
                    var view = await app.RunAsync(add(request), ct);
                    RecordVersion.Tag(response, VersionOf(view));
                    return TypedResults.Created($"/api/v1{Path}/{IdOf(view)}", view);
                })
                .WithName($"{Tag}.add").WithSummary("Add one.");
        }

        group.MapPatch("/{reference}", async (string reference, TRequest request, MetaBackupScope app, HttpContext context, CancellationToken ct) =>
            {
                var view = await app.RunAsync(Update(reference, request, RecordVersion.IfMatch(context.Request)), ct);
                RecordVersion.Tag(context.Response, VersionOf(view));
                return TypedResults.Ok(view);
            })
            .WithName($"{Tag}.update").WithSummary("Change one: fields left out stay as they are; secrets left out are kept. With If-Match, only if it is still that version (else 409).");
        group.MapDelete("/{reference}", async (string reference, MetaBackupScope app, HttpContext context, CancellationToken ct) =>
            {
                await app.RunAsync(Remove(reference, RecordVersion.IfMatch(context.Request)), ct);
                return TypedResults.NoContent();
            })
            .WithName($"{Tag}.remove").WithSummary("Remove one (refused while something uses it). With If-Match, only if it is still that version.");
        return group;
    }
}
