namespace MetaBackup.Core.Auditing;

/// <summary>
/// A privileged action worth answering "who did that, and when" for: writing a Recovery Kit,
/// importing a key, rotating the system key. Not configuration: never exported.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
}
