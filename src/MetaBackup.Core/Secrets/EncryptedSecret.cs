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
    public string? KeyFingerprint => TrySplit(Envelope, out _, out var fingerprint, out _) ? Envelope[fingerprint] : null;

    /// <summary><see cref="KeyFingerprint"/> where it lies in the envelope, not copied out (empty for a malformed envelope): an import reads it for every secret it inserts.</summary>
    internal ReadOnlySpan<char> KeyFingerprintSpan => TrySplit(Envelope, out _, out var fingerprint, out _) ? Envelope.AsSpan()[fingerprint] : [];

    /// <summary>
    /// The envelope's three parts — version, key fingerprint, payload — where they lie in it, without copying them: an
    /// import seals and opens a secret for each of up to millions of records (docs/performance.md, "Import"). False
    /// unless the envelope has exactly three parts, separated by dots; a part may be empty.
    /// </summary>
    internal static bool TrySplit(ReadOnlySpan<char> envelope, out Range version, out Range fingerprint, out Range payload)
    {
        // Room for a fourth part, so that an envelope of four or more is told apart from one of three.
        Span<Range> parts = stackalloc Range[4];
        var found = envelope.Split(parts, '.');
        (version, fingerprint, payload) = (parts[0], parts[1], parts[2]);
        return found == 3;
    }

    /// <summary>Never prints the envelope, so a secret cannot reach a log by accident.</summary>
    public override string ToString() => "**encrypted**";
}
