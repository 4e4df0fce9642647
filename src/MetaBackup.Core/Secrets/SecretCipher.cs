using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Secrets;

/// <summary>
/// Seals and opens secrets at rest under the system key (docs/secrets.md, "How a secret is stored").
/// Envelope form, version 1: <c>mbs1.&lt;key fingerprint&gt;.&lt;base64url(nonce ‖ ciphertext ‖ tag)&gt;</c>,
/// AES-256-GCM with a random 96-bit nonce and a 128-bit tag; the associated data is the
/// envelope's prefix <c>mbs1.&lt;fingerprint&gt;</c>, so the named key cannot be swapped.
/// </summary>
public sealed class SecretCipher(AesKey key)
{
    private const string Version = "mbs1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public AesKey Key { get; } = key;

    /// <summary>
    /// One AES-GCM instance for every secret, not one per secret (its key schedule is most of the cost of a short
    /// secret: docs/performance.md, "Import"); calls take turns, since an instance is not safe to share at once.
    /// </summary>
    private readonly Lazy<AesGcm> _aes = new(() => new AesGcm(key.Bytes, TagSize));

    public EncryptedSecret Seal(SecretText secret)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret.Reveal());
        var prefix = $"{Version}.{Key.Fingerprint}";
        var payload = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNonces.Fill(nonce);
        lock (_aes)
        {
            _aes.Value.Encrypt(nonce, plaintext, payload.AsSpan(NonceSize, plaintext.Length), payload.AsSpan(NonceSize + plaintext.Length), Encoding.ASCII.GetBytes(prefix));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return new EncryptedSecret($"{prefix}.{Base64Url.EncodeToString(payload)}");
    }

    /// <summary>Opens a stored secret, or returns null when it cannot be opened (damaged, or sealed under another key).</summary>
    public SecretText? TryOpen(EncryptedSecret sealedSecret)
    {
        try
        {
            return Open(sealedSecret);
        }
        catch (SecretDecryptionException)
        {
            return null;
        }
    }

    public SecretText Open(EncryptedSecret sealedSecret)
    {
        var parts = sealedSecret.Envelope.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new SecretDecryptionException("A stored secret is not in a form this version of MetaBackup understands.");
        }

        if (parts[1] != Key.Fingerprint)
        {
            throw new SecretDecryptionException(
                $"A stored secret was encrypted under system key {parts[1]}, but the system key in use is {Key.Fingerprint}.");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            throw new SecretDecryptionException("A stored secret is damaged (its ciphertext is not valid base64).");
        }

        if (payload.Length < NonceSize + TagSize)
        {
            throw new SecretDecryptionException("A stored secret is damaged (its ciphertext is too short).");
        }

        var cipherLength = payload.Length - NonceSize - TagSize;
        var plaintext = new byte[cipherLength];
        try
        {
            lock (_aes)
            {
                _aes.Value.Decrypt(
                    payload.AsSpan(0, NonceSize),
                    payload.AsSpan(NonceSize, cipherLength),
                    payload.AsSpan(NonceSize + cipherLength),
                    plaintext,
                    Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretDecryptionException("A stored secret failed authentication: it was altered, or encrypted under another key.");
        }

        var text = Encoding.UTF8.GetString(plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        return new SecretText(text);
    }
}

/// <summary>A stored secret could not be opened. The message never contains secret material.</summary>
public sealed class SecretDecryptionException(string message)
    : MetaBackupException(message, "Start MetaBackup with the system key this configuration was written with, or restore it from a configuration backup.", null, ErrorCode.SecretUnreadable);
