namespace MetaBackup.Core.Persistence;

/// <summary>
/// Facts about this installation rather than its configuration, such as the fingerprint of the
/// system key that the stored secrets are sealed under. Not configuration: never exported.
/// </summary>
public sealed class SystemState
{
    public const string SystemKeyFingerprint = "system_key_fingerprint";

    public required string Key { get; set; }
    public required string Value { get; set; }
}
