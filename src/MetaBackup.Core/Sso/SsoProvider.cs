using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Sso;

/// <summary>An OpenID Connect login provider. Natural key: <see cref="ProviderId"/>.</summary>
public sealed class SsoProvider : ConfigRecord
{
    /// <summary>A short slug used in login URLs, e.g. <c>keycloak</c>.</summary>
    public required string ProviderId { get; set; }
    public required string Name { get; set; }
    public required string Issuer { get; set; }
    public required string ClientId { get; set; }
    public EncryptedSecret? ClientSecret { get; set; }
    public List<string> Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>The group new users signing in through this provider join.</summary>
    public string? DefaultGroupId { get; set; }

    public bool Enabled { get; set; } = true;
}
