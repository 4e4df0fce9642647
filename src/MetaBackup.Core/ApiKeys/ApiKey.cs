using System.Text.RegularExpressions;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.ApiKeys;

/// <summary>
/// API access for scripts. The key itself is shown once; only its SHA-256 hash is kept.
/// Natural key: <see cref="Prefix"/>, the key's public first part.
/// </summary>
public sealed partial class ApiKey : ConfigRecord
{
    public required string Name { get; set; }
    public required string UserId { get; set; }
    public required string Prefix { get; set; }
    public EncryptedSecret? KeyHash { get; set; }
    public List<string> Permissions { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }

    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        Permissions = Access.Permissions.Parse(Permissions);
        if (!IsPrefix(Prefix))
        {
            throw new InvalidInputException($"The prefix '{Prefix}' is not an API key prefix (mbk_ and eight characters of a-z, 2-7).");
        }

        ExpiresAt = ExpiresAt is { } expiry ? Persistence.StoredTime.Of(expiry) : null;
    }

    /// <summary>Whether <paramref name="text"/> has the form of a key's prefix (mbk_ and eight characters of a-z, 2-7).</summary>
    public static bool IsPrefix(string text) => PrefixPattern().IsMatch(text);

    [GeneratedRegex("^mbk_[a-z2-7]{8}$")]
    private static partial Regex PrefixPattern();
}
