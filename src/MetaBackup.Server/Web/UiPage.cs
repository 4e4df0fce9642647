using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace MetaBackup.Server.Web;

/// <summary>
/// What every page has (docs/ui.md, "How pages work"): the request's unit of work and its actor, the operations it
/// runs — the same as the API's, permission checks and audit included — and the way a failure reaches the person:
/// a rule broken is shown beside the form; a permission refused or a record not found is the error page with its
/// status (the exception handler's, as for the API).
/// </summary>
public abstract class UiPage : PageModel
{
    protected MetaBackupScope Scope => HttpContext.RequestServices.GetRequiredService<MetaBackupScope>();

    public Actor Actor => Scope.Actor;

    /// <summary>Whether the page may offer something: it offers only what the actor may do (the server checks anyway).</summary>
    public bool Can(string permission) => Actor.May(permission);

    /// <summary>A message for the next page, after a redirect (saved, deleted, started).</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>A failure for the next page, after a redirect (a Run now refused).</summary>
    [TempData]
    public string? Problem { get; set; }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected Task<T> RunAsync<T>(Operation<T> operation) => Scope.RunAsync(operation, Aborted);

    /// <summary>
    /// Runs an operation whose failure the person can fix on this page: the message (and hint) goes into the model
    /// state, under <paramref name="field"/> when given, and the result is default. Refusals that are not about the
    /// input (not allowed, not signed in, not found) go on to the error page.
    /// </summary>
    protected async Task<(bool Ok, T? Value)> TryRunAsync<T>(Operation<T> operation, string field = "")
    {
        try
        {
            return (true, await RunAsync(operation));
        }
        catch (MetaBackupException e) when (e.Code is not (ErrorCode.Forbidden or ErrorCode.Unauthenticated or ErrorCode.Failed))
        {
            ModelState.AddModelError(field, e.Hint is null ? e.Message : $"{e.Message} {e.Hint}");
            return (false, default);
        }
    }

    /// <summary>Whether the page has errors to show (from <see cref="TryRunAsync{T}"/> or form binding).</summary>
    public bool HasErrors => !ModelState.IsValid;

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Pages show configuration; none of it belongs in a cache.
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    /// <summary>The storage destinations a form offers to pick from, by id, named with their type.</summary>
    protected async Task<IReadOnlyList<(string Id, string Name)>> DestinationChoicesAsync() =>
        [.. (await RunAsync(new ListAdapters(Core.Adapters.AdapterKind.Storage))).Select(a => (a.Id, $"{a.Name} ({a.Type})"))];

    /// <summary>
    /// A list page's delete button: the deletion, then the list again with a notice — or, refused (in use, changed
    /// since), the list as it is with the reason.
    /// </summary>
    protected async Task<IActionResult> DeleteAsync(Operation<Done> deletion, string notice, Func<Task> reload)
    {
        if ((await TryRunAsync(deletion)).Ok)
        {
            Notice = notice;
            return RedirectToPage();
        }

        await reload();
        return Page();
    }

    protected IActionResult RedirectWithNotice(string notice, string page, object? routeValues = null)
    {
        Notice = notice;
        return RedirectToPage(page, routeValues);
    }
}
