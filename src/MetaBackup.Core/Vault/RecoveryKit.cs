using System.Text;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Vault;

/// <summary>
/// A Recovery Kit (docs/secrets.md, "Encryption Profiles and Recovery Kits"): everything needed to decrypt backups made with one Encryption
/// Profile, as a small text file a person can read, print and keep offline. The machine-readable
/// part sits between BEGIN/END lines as <c>field: value</c>; reading it checks that the key's
/// fingerprint matches the one written, so a mistyped key is caught at once.
/// </summary>
public sealed record RecoveryKit(string ProfileId, string ProfileName, AesKey Key)
{
    public const string Format = "metabackup-recovery-kit/1";
    private const string Begin = "-----BEGIN METABACKUP RECOVERY KIT-----";
    private const string End = "-----END METABACKUP RECOVERY KIT-----";

    public string Fingerprint => Key.Fingerprint;

    public string ToText(DateTimeOffset writtenAt)
    {
        var text = new StringBuilder();
        text.AppendLine("MetaBackup Recovery Kit");
        text.AppendLine("=======================");
        text.AppendLine();
        text.AppendLine($"Encryption Profile \"{ProfileName}\" (fingerprint {Fingerprint}), written {writtenAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine("This file holds the key that decrypts every configuration backup made with this");
        text.AppendLine("profile. Anyone who has it can read those backups, including their secrets.");
        text.AppendLine();
        text.AppendLine("- Keep it offline (a password manager, a printed copy in a safe), and never in");
        text.AppendLine("  the same place as the backups it opens.");
        text.AppendLine("- To restore on a new server:  metabackup import BACKUP --kit THIS_FILE --mode full");
        text.AppendLine("- To read a backup without any server:  metabackup recover BACKUP --kit THIS_FILE -o config.json");
        text.AppendLine("- To add the key to a vault:  metabackup profiles import-key --kit THIS_FILE");
        text.AppendLine();
        text.AppendLine(Begin);
        text.AppendLine($"format: {Format}");
        text.AppendLine($"profile-id: {ProfileId}");
        text.AppendLine($"profile-name: {ProfileName}");
        text.AppendLine($"fingerprint: {Fingerprint}");
        text.AppendLine($"key: {Key.ToHex()}");
        text.AppendLine(End);
        return text.ToString();
    }

    /// <summary>Reads a kit; <paramref name="origin"/> names the file in errors.</summary>
    public static RecoveryKit Parse(string text, string origin)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var begin = lines.IndexOf(Begin);
        var end = lines.IndexOf(End);
        if (begin < 0 || end < begin)
        {
            throw new InvalidInputException(
                $"'{origin}' is not a MetaBackup Recovery Kit (its BEGIN/END lines are missing).",
                "Give the Recovery Kit file itself, or a file holding just the 64-hex key.");
        }

        var fields = lines.Skip(begin + 1).Take(end - begin - 1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        string Field(string name) => fields.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidInputException($"The Recovery Kit '{origin}' has no '{name}' line.");

        if (Field("format") != Format)
        {
            throw new InvalidInputException($"The Recovery Kit '{origin}' is in format '{Field("format")}', which this version does not read.", "Upgrade MetaBackup.");
        }

        var key = AesKey.FromHex(Field("key"), $"the Recovery Kit '{origin}'");
        if (key.Fingerprint != Field("fingerprint"))
        {
            throw new InvalidInputException(
                $"The key in the Recovery Kit '{origin}' does not match its fingerprint (the kit says {Field("fingerprint")}, the key gives {key.Fingerprint}).",
                "The key line was altered or mistyped; use an intact copy of the kit.");
        }

        return new RecoveryKit(Field("profile-id"), Field("profile-name"), key);
    }
}
