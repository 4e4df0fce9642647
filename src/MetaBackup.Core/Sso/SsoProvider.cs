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

    public override void Normalize()
    {
        ProviderId = Check.Slug(ProviderId, "provider id");
        Name = Check.Name(Name, "name");
        Issuer = ValidIssuer(Issuer);
        ClientId = Check.Name(ClientId, "client id");
        Scopes = ValidScopes(Scopes);
    }

    private static string ValidIssuer(string? issuer)
    {
        var trimmed = Check.Name(issuer, "issuer");
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidInputException(
                $"The issuer '{trimmed}' is not a valid OpenID Connect issuer URL.",
                "Give the provider's https:// issuer URL, e.g. https://login.example.com/realms/main.");
        }

        return trimmed;
    }

    private static List<string> ValidScopes(IReadOnlyList<string> scopes)
    {
        var list = scopes.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (!list.Contains("openid"))
        {
            throw new InvalidInputException("The scopes must include 'openid'.", "For example: openid,profile,email.");
        }

        return list;
    }
}
