using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Credentials;

/// <summary>Reusable credentials that adapters can point to. Natural key: <see cref="Name"/>.</summary>
public sealed class CredentialProfile : ConfigRecord
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Username { get; set; }
    public EncryptedSecret? Password { get; set; }
    public EncryptedSecret? PrivateKey { get; set; }
    public EncryptedSecret? Passphrase { get; set; }
    public EncryptedSecret? Token { get; set; }

    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        Description = Check.Optional(Description);
        Username = Check.Optional(Username);
    }
}
