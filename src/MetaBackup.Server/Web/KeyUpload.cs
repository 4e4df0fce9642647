using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;
using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Web;

/// <summary>
/// A key as a form gives it (docs/ui.md, "Keys in forms"): a Recovery Kit file, or the key as 64 hex characters in a
/// password field — never both. The text goes straight into a <see cref="SecretText"/>; nothing is written to disk.
/// </summary>
public static class KeyUpload
{
    /// <summary>A Recovery Kit is a page of text; anything much larger is not one.</summary>
    public const int MaxKitBytes = 64 * 1024;

    public static async Task<SuppliedKey> ReadAsync(IFormFile? kit, string? hex, CancellationToken cancellationToken)
    {
        SecretText? kitText = null;
        if (kit is { Length: > 0 })
        {
            if (kit.Length > MaxKitBytes)
            {
                throw new InvalidInputException($"'{kit.FileName}' is larger than a Recovery Kit ({MaxKitBytes / 1024} KiB at most).", "Choose the Recovery Kit's .txt file.");
            }

            using var reader = new StreamReader(kit.OpenReadStream());
            kitText = new SecretText(await reader.ReadToEndAsync(cancellationToken));
        }

        return SuppliedKey.From(kitText, string.IsNullOrWhiteSpace(hex) ? null : new SecretText(hex.Trim()), kitText is null ? "the key typed in" : $"the Recovery Kit '{kit!.FileName}'");
    }
}
