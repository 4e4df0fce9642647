using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Vault;

/// <summary>
/// A named 256-bit key that backups are encrypted with (docs/secrets.md, "Encryption Profiles and Recovery Kits"). Natural key:
/// <see cref="Fingerprint"/>, then <see cref="Name"/>. Without its key the profile is
/// <see cref="IsLocked">locked</see>: it still exists so that references stay intact.
/// </summary>
public sealed partial class EncryptionProfile : ConfigRecord
{
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The key's fingerprint (<see cref="AesKey.Fingerprint"/>), never the key itself.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The key as 64 hex characters, sealed under the system key; null while locked.</summary>
    public EncryptedSecret? Key { get; set; }

    [JsonIgnore]
    public bool IsLocked => Key is null;

    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        Description = Check.Optional(Description);
        if (!FingerprintPattern().IsMatch(Fingerprint))
        {
            throw new InvalidInputException($"The fingerprint '{Fingerprint}' is not 32 lower-case hexadecimal characters.");
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex FingerprintPattern();
}
