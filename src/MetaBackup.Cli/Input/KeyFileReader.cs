using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;

namespace MetaBackup.Cli.Input;

/// <summary>Reads an Encryption Profile key from exactly one of <c>--kit FILE</c> (a Recovery Kit) and <c>--key-file FILE</c> (64 hex characters).</summary>
public static class KeyFileReader
{
    public static (AesKey Key, RecoveryKit? Kit) Read(CliHost host, string? kitPath, string? keyPath)
    {
        if ((kitPath is null) == (keyPath is null))
        {
            throw new UsageException("Give exactly one of --kit FILE and --key-file FILE.");
        }

        var path = Path.Combine(host.CurrentDirectory, (kitPath ?? keyPath)!);
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"'{path}' does not exist.");
        }

        var text = new SecretText(File.ReadAllText(path));
        var supplied = kitPath is not null ? SuppliedKey.From(text, null, path) : SuppliedKey.From(null, text, $"'{path}'");
        return (supplied.Key, supplied.Kit);
    }
}
