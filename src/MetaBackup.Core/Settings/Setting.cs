using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Settings;

/// <summary>A global key/value setting, including the <c>config.backup.*</c> keys. Natural key: <see cref="Key"/>.</summary>
public sealed class Setting : ConfigRecord
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
