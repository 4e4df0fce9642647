using System.Net.Mail;
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

    public override void Normalize()
    {
        Email = ValidEmail(Email);
        Name = Check.Name(Name, "name");
    }

    /// <summary>An e-mail address in its one stored form: trimmed and lower-case, so that it matches however it is typed.</summary>
    public static string ValidEmail(string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(trimmed) || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
        {
            throw new InvalidInputException($"'{email}' is not a valid email address.", "Give an address such as alice@example.com.");
        }

        return trimmed;
    }
}
