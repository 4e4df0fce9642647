namespace MetaBackup.Core.Settings;

/// <summary>A setting as MetaBackup reads it.</summary>
/// <param name="Value">The stored value, else the default; null when unset and without a default.</param>
/// <param name="IsSet">Whether the value is stored (false: the default applies).</param>
/// <param name="Description">What a known setting is for; null for other keys.</param>
public sealed record EffectiveSetting(string Key, string? Value, bool IsSet, string? Description);
