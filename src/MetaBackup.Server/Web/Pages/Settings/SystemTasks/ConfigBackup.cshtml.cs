using MetaBackup.Core.Access;
using MetaBackup.Core.Application;
using MetaBackup.Core.Scheduling;
using MetaBackup.Core.Settings;
using Microsoft.AspNetCore.Mvc;

namespace MetaBackup.Server.Web.Pages.Settings.SystemTasks;

/// <summary>
/// Settings → System Tasks → Configuration Backup (docs/ui.md): the task's settings as one form, saved as one change;
/// the schedule's next three runs in its time zone; Run now, whose progress and outcome the run section shows by
/// itself; the run history.
/// </summary>
public sealed class ConfigBackupModel : UiPage
{
    /// <summary>What the run section shows: the task's status, the recent runs, and whether Run now is offered.</summary>
    public sealed record RunState(ConfigBackupStatus Status, IReadOnlyList<TaskRun> History, bool MayRun);

    public static IReadOnlyList<string> TimeZones { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal)];

    [BindProperty] public bool Enabled { get; set; }
    [BindProperty] public string Schedule { get; set; } = "";
    [BindProperty] public string TimeZone { get; set; } = "UTC";
    [BindProperty] public string? StorageId { get; set; }
    [BindProperty] public string? ProfileId { get; set; }
    [BindProperty] public bool IncludeSecrets { get; set; }
    [BindProperty] public string Compression { get; set; } = "gzip";
    [BindProperty] public int Retention { get; set; }

    public RunState Run { get; private set; } = null!;

    public string? ScheduleError { get; private set; }

    public (IReadOnlyList<DateTimeOffset>? Times, string? Error) NextRuns { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Destinations { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Profiles { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var status = await RunAsync(new ShowConfigBackupStatus());
        (Enabled, Schedule, TimeZone, StorageId, ProfileId, IncludeSecrets, Compression, Retention) =
            (status.Enabled, status.Schedule, status.TimeZone, status.StorageId, status.EncryptionProfileId, status.IncludeSecrets, status.Compression, status.Retention);
        await LoadAsync(status);
    }

    public async Task<IActionResult> OnGetRunsAsync() => Partial("_RunSection", await RunStateAsync(await RunAsync(new ShowConfigBackupStatus())));

    public async Task<IActionResult> OnGetNextRunsAsync(string? schedule, string? timeZone) =>
        Partial("_NextRuns", await PreviewAsync(schedule ?? "", timeZone ?? "UTC"));

    public async Task<IActionResult> OnPostRunNowAsync()
    {
        var (ok, run) = await TryRunAsync(new RunConfigBackupNow());
        if (!ok)
        {
            Problem = string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            return RedirectToPage();
        }

        return RedirectWithNotice($"Run {run!.Id} started.", "/Settings/SystemTasks/ConfigBackup");
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        var preview = await PreviewAsync(Schedule, TimeZone);
        if (preview.Error is null)
        {
            var (ok, _) = await TryRunAsync(new SetSettings(new Dictionary<string, string?>
            {
                [SettingKeys.ConfigBackupEnabled] = Enabled ? "true" : "false",
                [SettingKeys.ConfigBackupSchedule] = Schedule,
                [SettingKeys.SystemTimezone] = TimeZone,
                [SettingKeys.ConfigBackupStorageId] = NullIfEmpty(StorageId),
                [SettingKeys.ConfigBackupEncryptionProfileId] = NullIfEmpty(ProfileId),
                [SettingKeys.ConfigBackupIncludeSecrets] = IncludeSecrets ? "true" : "false",
                [SettingKeys.ConfigBackupCompression] = Compression,
                [SettingKeys.ConfigBackupRetention] = Retention.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
            if (ok)
            {
                return RedirectWithNotice("Settings saved.", "/Settings/SystemTasks/ConfigBackup");
            }
        }
        else
        {
            ScheduleError = preview.Error;
            ModelState.AddModelError("Schedule", preview.Error);
        }

        await LoadAsync(await RunAsync(new ShowConfigBackupStatus()));
        return Page();
    }

    private async Task LoadAsync(ConfigBackupStatus status)
    {
        Run = await RunStateAsync(status);
        NextRuns = await PreviewAsync(Schedule, TimeZone);
        if (Can(Permissions.AdaptersRead))
        {
            Destinations = await DestinationChoicesAsync();
        }
        else if (status.StorageId is { } storage)
        {
            Destinations = [(storage, status.Storage ?? storage)];
        }

        if (Can(Permissions.ProfilesRead))
        {
            Profiles = [.. (await RunAsync(new ListProfiles())).Select(p => (p.Id, $"{p.Name} ({p.Fingerprint[..8]}…)"))];
        }
        else if (status.EncryptionProfileId is { } profile)
        {
            Profiles = [(profile, status.EncryptionProfile ?? profile)];
        }
    }

    private async Task<RunState> RunStateAsync(ConfigBackupStatus status) =>
        new(status, await RunAsync(new ListTaskRuns(20)), Can(Permissions.TasksRun));

    private async Task<(IReadOnlyList<DateTimeOffset>? Times, string? Error)> PreviewAsync(string schedule, string timeZone)
    {
        var (ok, times) = await TryRunAsync(new PreviewSchedule(schedule, timeZone), "preview");
        if (ok)
        {
            return (times, null);
        }

        var error = ModelState["preview"]!.Errors[0].ErrorMessage;
        ModelState.Remove("preview");
        return (null, error);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
