namespace MetaBackup.Core.Auditing;

/// <summary>
/// Something worth answering "who did that, when, and from where" for (docs/api.md, "Audit"): every
/// configuration change, export and import, Recovery Kit download, key rotation, sign-in (success or
/// failure) and permission denial. Not configuration: never exported.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }

    /// <summary>Where the actor acted from (an IP address), when it came over the network.</summary>
    public string? RemoteAddress { get; set; }
}
