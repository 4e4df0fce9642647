using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Users;

/// <summary>A local account. Natural key: <see cref="Email"/> (stored lower-case).</summary>
public sealed class User : ConfigRecord
{
    public required string Email { get; set; }
    public required string Name { get; set; }
    public string? GroupId { get; set; }
    public bool Disabled { get; set; }

    /// <summary>The password as a standard PBKDF2 hash (ASP.NET Core Identity v3 format), itself sealed at rest.</summary>
    public EncryptedSecret? PasswordHash { get; set; }
}
