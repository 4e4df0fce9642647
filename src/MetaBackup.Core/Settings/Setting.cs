using System.Text.RegularExpressions;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Settings;

/// <summary>A global key/value setting, including the <c>config.backup.*</c> keys. Natural key: <see cref="Key"/>.</summary>
public sealed partial class Setting : ConfigRecord
{
    public required string Key { get; set; }
    public required string Value { get; set; }

    /// <summary>The key's form, and the form of a known setting's value (<see cref="SettingRules.CheckForm"/>).</summary>
    public override void Normalize()
    {
        if (!KeyPattern().IsMatch(Key))
        {
            throw new InvalidInputException(
                $"'{Key}' is not a valid setting key.",
                "Setting keys are dotted words of letters, digits, '_' and '-', e.g. config.backup.schedule.");
        }

        Value = SettingRules.CheckForm(Key, Value);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)*$")]
    private static partial Regex KeyPattern();
}
