namespace MetaBackup.Core.Secrets;

/// <summary>
/// A secret as it is stored: AES-256-GCM ciphertext under the system key, in the versioned
/// envelope form of <see cref="SecretCipher"/>. A property of this type <em>is</em> the
/// declaration that a field is secret: at-rest encryption, key rotation, export stripping and
/// masking all find secret fields by this type.
/// </summary>
public sealed record EncryptedSecret(string Envelope)
{
    /// <summary>The fingerprint of the system key the envelope names (<c>mbs1.&lt;fingerprint&gt;.…</c>); null for a malformed envelope.</summary>
    public string? KeyFingerprint => Envelope.Split('.') is [_, var fingerprint, _] ? fingerprint : null;

    /// <summary>Never prints the envelope, so a secret cannot reach a log by accident.</summary>
    public override string ToString() => "**encrypted**";
}
