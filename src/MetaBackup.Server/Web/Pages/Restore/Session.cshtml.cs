using MetaBackup.Core.Application;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Import;
using MetaBackup.Core.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Restore;

/// <summary>
/// The restore wizard after its source (docs/ui.md, "Restore wizard"): each step is what the import session's state
/// says — the key (asked only when no profile opens the file), validation, the mode, the plan (deletions first),
/// apply (after a confirmation naming the deletions), the result (secrets to enter, the snapshot to roll back to).
/// The state lives in the session on the server, so a reload, a restart or another instance shows the same step.
/// </summary>
public sealed class SessionModel : UiPage
{
    public ImportSessionView Session { get; private set; } = null!;

    public IReadOnlyList<MissingSecret> MissingSecrets { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public bool ChangeMode { get; set; }

    /// <summary>Whether the restore replaced or removed the signed-in account: the person signs in again with one from the backup.</summary>
    public bool SessionEnded { get; private set; }

    public int Step => Session.State switch
    {
        ImportSessionState.NeedsKey => 2,
        ImportSessionState.Refused => 3,
        ImportSessionState.Valid => 4,
        ImportSessionState.Planned when ChangeMode => 4,
        ImportSessionState.Planned => 5,
        _ => 7,
    };

    public Task OnGetAsync(string id) => LoadAsync(id);

    public async Task<IActionResult> OnPostKeyAsync(string id, IFormFile? kit, string? hex)
    {
        try
        {
            var supplied = await KeyUpload.ReadAsync(kit, hex, Aborted);
            if ((await TryRunAsync(new SupplyImportKey(id, supplied))).Ok)
            {
                return Redirect($"/restore/{id}");
            }
        }
        catch (InvalidInputException e)
        {
            ModelState.AddModelError("", e.Message);
        }

        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostPlanAsync(string id, ImportMode mode, List<string>? areas, string? ids)
    {
        var idList = (ids ?? "").Split(['\n', '\r', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var selective = mode == ImportMode.Selective;
        if ((await TryRunAsync(new PlanImportSession(id, mode, selective ? areas : null, selective ? idList : null))).Ok)
        {
            return Redirect($"/restore/{id}");
        }

        ChangeMode = true;
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string id, string digest, bool confirmDeletions)
    {
        var planned = await RunAsync(new ShowImportSession(id));
        if (planned.Plan?.Entries.Any(e => e.Action == PlanAction.Delete) == true && !confirmDeletions)
        {
            ModelState.AddModelError("", "Confirm the deletions the plan lists: nothing was applied.");
        }
        else if (await TryRunAsync(new ApplyImportSession(id, digest)) is (true, { } applied))
        {
            // Shown from this response, not a redirect: a full restore may have replaced the very account this
            // session belongs to, and the result must reach the person who asked for it all the same.
            Session = applied;
            SessionEnded = await SessionEndedAsync();
            MissingSecrets = await RunAsync(new ListMissingSecrets(id));
            return Page();
        }

        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostSecretAsync(string id, string area, string recordId, string field, string value)
    {
        if (await TryRunAsync(new EnterMissingSecret(id, area, recordId, field, new SecretText(value))) is (true, { } secret))
        {
            return RedirectWithNotice($"Saved the {secret.Label} of {area} “{secret.Key}”.", "/Restore/Session", new { id });
        }

        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostRollbackAsync(string id, string snapshot)
    {
        var (ok, outcome) = await TryRunAsync(new RollBackToSnapshot(snapshot));
        if (ok)
        {
            return RedirectWithNotice($"Rolled back to the safety snapshot {snapshot} ({outcome!.Plan.Entries.Count(e => e.Action is not PlanAction.Unchanged)} record(s) restored to how they were). That rollback took a snapshot of its own: {Path.GetFileName(outcome.SafetySnapshot)}.", "/Restore/Session", new { id });
        }

        await LoadAsync(id);
        return Page();
    }

    private async Task<bool> SessionEndedAsync()
    {
        var stamp = User.FindFirst(Access.ActorClaims.SessionStamp)?.Value;
        return Actor.UserId is not { } userId || stamp is null
            || await new Core.Access.AccessService(await Scope.SessionAsync(Aborted)).ForSessionAsync(userId, stamp, Aborted) is null;
    }

    private async Task LoadAsync(string id)
    {
        Session = await RunAsync(new ShowImportSession(id));
        if (Session is { State: ImportSessionState.Applied, Result: not null })
        {
            MissingSecrets = await RunAsync(new ListMissingSecrets(id));
        }
    }
}
