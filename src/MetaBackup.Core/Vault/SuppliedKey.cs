using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Vault;

/// <summary>
/// A profile key an operator hands over (docs/secrets.md): the text of a Recovery Kit — whose fingerprint line is
/// checked against its key — or the key itself as 64 hex characters. Exactly one of the two.
/// </summary>
public sealed record SuppliedKey(AesKey Key, RecoveryKit? Kit)
{
    /// <param name="kit">The Recovery Kit's text, if given.</param>
    /// <param name="hex">The key as 64 hex characters, if given.</param>
    /// <param name="origin">Where it came from, for messages (never the text itself).</param>
    public static SuppliedKey From(SecretText? kit, SecretText? hex, string origin)
    {
        if ((kit is null) == (hex is null))
        {
            throw new InvalidInputException(
                "Give the key either as a Recovery Kit or as 64 hex characters — exactly one of the two.",
                null,
                new Dictionary<string, string> { ["field"] = "key" });
        }

        if (kit is not null)
        {
            var parsed = RecoveryKit.Parse(kit.Reveal(), origin);
            return new SuppliedKey(parsed.Key, parsed);
        }

        return new SuppliedKey(AesKey.FromHex(hex!.Reveal(), origin), null);
    }
}
