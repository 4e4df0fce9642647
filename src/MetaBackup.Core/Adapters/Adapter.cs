using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Core.Adapters;

/// <summary>
/// A connection to a database, a storage destination or a notification channel.
/// Natural key: <see cref="Kind"/> + <see cref="Name"/>. Its configuration is split by the
/// adapter type's declaration: plain keys in <see cref="Config"/>, secret keys sealed together in
/// <see cref="SecretConfig"/>.
/// </summary>
public sealed class Adapter : ConfigRecord
{
    public required AdapterKind Kind { get; set; }
    public required string Type { get; set; }
    public required string Name { get; set; }

    /// <summary>The non-secret config keys as a JSON object.</summary>
    public string Config { get; set; } = "{}";

    /// <summary>The secret config keys as a JSON object, sealed under the system key; null when none is set.</summary>
    public EncryptedSecret? SecretConfig { get; set; }

    public string? CredentialProfileId { get; set; }

    /// <summary>The name, a type this MetaBackup knows for the kind, and the plain config in the type's typed form.</summary>
    public override void Normalize()
    {
        Name = Check.Name(Name, "name");
        var type = AdapterTypes.Find(Kind, Type) ?? throw new InvalidInputException(
            $"Unknown {Kinds.Name(Kind)} adapter type '{Type}'.",
            $"Known {Kinds.Name(Kind)} types: {string.Join(", ", AdapterTypes.OfKind(Kind).Select(t => t.Name))}.");
        Config = AdapterConfig.NormalizePlain(type, Config);
    }
}
