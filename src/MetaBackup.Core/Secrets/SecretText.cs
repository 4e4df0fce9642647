namespace MetaBackup.Core.Secrets;

/// <summary>
/// A plaintext secret in memory (a password typed by the operator, a decrypted token).
/// <see cref="ToString"/> is redacted so that string formatting, logging and exception
/// messages cannot leak it; read <see cref="Reveal"/> only where the value is really used.
/// </summary>
public sealed class SecretText(string value)
{
    private readonly string _value = value ?? throw new ArgumentNullException(nameof(value));

    public string Reveal() => _value;

    public bool IsEmpty => _value.Length == 0;

    public override string ToString() => "**redacted**";
}
