using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.ApiKeys;

/// <summary>
/// API access for scripts. The key itself is shown once; only its SHA-256 hash is kept.
/// Natural key: <see cref="Prefix"/>, the key's public first part.
/// </summary>
public sealed class ApiKey : ConfigRecord
{
    public required string Name { get; set; }
    public required string UserId { get; set; }
    public required string Prefix { get; set; }
    public EncryptedSecret? KeyHash { get; set; }
    public List<string> Permissions { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
}
