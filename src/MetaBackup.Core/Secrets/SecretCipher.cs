using System.Buffers;
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

    /// <summary>The envelope's prefix, <c>mbs1.&lt;fingerprint&gt;</c>, and its bytes — the associated data — made once, not for each secret.</summary>
    private readonly string _prefix = $"{Version}.{key.Fingerprint}";

    private readonly byte[] _associatedData = Encoding.ASCII.GetBytes($"{Version}.{key.Fingerprint}");

    /// <summary>
    /// One AES-GCM instance for every secret, not one per secret (its key schedule is most of the cost of a short
    /// secret: docs/performance.md, "Import"); calls take turns, since an instance is not safe to share at once.
    /// </summary>
    private readonly Lazy<AesGcm> _aes = new(() => new AesGcm(key.Bytes, TagSize));

    /// <summary>
    /// Seals a secret. The plaintext's bytes and the payload are worked on in a pooled buffer, the plaintext cleared before
    /// the buffer goes back; the envelope is the one string made (docs/performance.md, "Import").
    /// </summary>
    public EncryptedSecret Seal(SecretText secret)
    {
        var text = secret.Reveal();
        var plaintextLength = Encoding.UTF8.GetByteCount(text);
        var payloadLength = NonceSize + plaintextLength + TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(plaintextLength + payloadLength);
        try
        {
            var plaintext = buffer.AsSpan(0, plaintextLength);
            Encoding.UTF8.GetBytes(text, plaintext);
            var payload = buffer.AsSpan(plaintextLength, payloadLength);
            var nonce = payload[..NonceSize];
            RandomNonces.Fill(nonce);
            lock (_aes)
            {
                _aes.Value.Encrypt(nonce, plaintext, payload.Slice(NonceSize, plaintextLength), payload[(NonceSize + plaintextLength)..], _associatedData);
            }

            var envelope = string.Create(
                _prefix.Length + 1 + Base64Url.GetEncodedLength(payloadLength),
                (_prefix, buffer, plaintextLength, payloadLength),
                static (chars, state) =>
                {
                    state._prefix.CopyTo(chars);
                    chars[state._prefix.Length] = '.';
                    Base64Url.EncodeToChars(state.buffer.AsSpan(state.plaintextLength, state.payloadLength), chars[(state._prefix.Length + 1)..]);
                });
            return new EncryptedSecret(envelope);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, plaintextLength));
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <summary>Opens a stored secret: its envelope read where it lies, the payload and the plaintext in a pooled buffer, the plaintext cleared before the buffer goes back.</summary>
    public SecretText Open(EncryptedSecret sealedSecret)
    {
        var envelope = sealedSecret.Envelope.AsSpan();
        if (!EncryptedSecret.TrySplit(envelope, out var version, out var fingerprint, out var encoded) || !envelope[version].SequenceEqual(Version))
        {
            throw new SecretDecryptionException("A stored secret is not in a form this version of MetaBackup understands.");
        }

        if (!envelope[fingerprint].SequenceEqual(Key.Fingerprint))
        {
            throw new SecretDecryptionException(
                $"A stored secret was encrypted under system key {envelope[fingerprint]}, but the system key in use is {Key.Fingerprint}.");
        }

        var maxPayload = Base64Url.GetMaxDecodedLength(envelope[encoded].Length);
        var buffer = ArrayPool<byte>.Shared.Rent(2 * maxPayload);
        var cipherLength = 0;
        try
        {
            int payloadLength;
            try
            {
                payloadLength = Base64Url.DecodeFromChars(envelope[encoded], buffer.AsSpan(0, maxPayload));
            }
            catch (FormatException)
            {
                throw new SecretDecryptionException("A stored secret is damaged (its ciphertext is not valid base64).");
            }

            if (payloadLength < NonceSize + TagSize)
            {
                throw new SecretDecryptionException("A stored secret is damaged (its ciphertext is too short).");
            }

            var payload = buffer.AsSpan(0, payloadLength);
            cipherLength = payloadLength - NonceSize - TagSize;
            var plaintext = buffer.AsSpan(maxPayload, cipherLength);
            try
            {
                lock (_aes)
                {
                    _aes.Value.Decrypt(payload[..NonceSize], payload.Slice(NonceSize, cipherLength), payload[(NonceSize + cipherLength)..], plaintext, _associatedData);
                }
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new SecretDecryptionException("A stored secret failed authentication: it was altered, or encrypted under another key.");
            }

            return new SecretText(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(maxPayload, cipherLength));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A stored secret could not be opened. The message never contains secret material.</summary>
public sealed class SecretDecryptionException(string message)
    : MetaBackupException(message, "Start MetaBackup with the system key this configuration was written with, or restore it from a configuration backup.", null, ErrorCode.SecretUnreadable);
