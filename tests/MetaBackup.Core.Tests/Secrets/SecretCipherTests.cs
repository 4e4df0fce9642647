using MetaBackup.Core.Secrets;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Secrets;

public sealed class SecretCipherTests
{
    private readonly SecretCipher _cipher = new(AesKey.FromHex(TestKeys.A, "test"));

    [Fact]
    public void A_sealed_secret_opens_to_the_same_text()
    {
        var sealedSecret = _cipher.Seal(new SecretText("pässwörd ✓"));

        Assert.Equal("pässwörd ✓", _cipher.Open(sealedSecret).Reveal());
    }

    [Fact]
    public void The_envelope_is_versioned_names_the_key_and_hides_the_plaintext()
    {
        var sealedSecret = _cipher.Seal(new SecretText("hunter2-hunter2"));

        Assert.StartsWith($"mbs1.{TestKeys.FingerprintOf(TestKeys.A)}.", sealedSecret.Envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", sealedSecret.Envelope, StringComparison.Ordinal);
        Assert.Equal("**encrypted**", sealedSecret.ToString());
    }

    [Fact]
    public void Sealing_twice_gives_different_ciphertexts()
    {
        Assert.NotEqual(_cipher.Seal(new SecretText("x")).Envelope, _cipher.Seal(new SecretText("x")).Envelope);
    }

    [Fact]
    public void Another_key_cannot_open_it_and_the_message_names_both_keys()
    {
        var sealedSecret = _cipher.Seal(new SecretText("secret-value"));
        var other = new SecretCipher(AesKey.FromHex(TestKeys.B, "test"));

        var error = Assert.Throws<SecretDecryptionException>(() => other.Open(sealedSecret));

        Assert.Contains(TestKeys.FingerprintOf(TestKeys.A), error.Message, StringComparison.Ordinal);
        Assert.Contains(TestKeys.FingerprintOf(TestKeys.B), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_character_in_the_ciphertext_is_detected()
    {
        var envelope = _cipher.Seal(new SecretText("secret-value")).Envelope;
        var last = envelope[^3];
        var tampered = envelope[..^3] + (last == 'A' ? 'B' : 'A') + envelope[^2..];

        Assert.Throws<SecretDecryptionException>(() => _cipher.Open(new EncryptedSecret(tampered)));
    }

    [Fact]
    public void A_relabelled_fingerprint_is_detected_because_the_prefix_is_authenticated()
    {
        var other = new SecretCipher(AesKey.FromHex(TestKeys.B, "test"));
        var envelope = other.Seal(new SecretText("secret")).Envelope;
        var relabelled = envelope.Replace(TestKeys.FingerprintOf(TestKeys.B), TestKeys.FingerprintOf(TestKeys.A), StringComparison.Ordinal);

        Assert.Throws<SecretDecryptionException>(() => _cipher.Open(new EncryptedSecret(relabelled)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-envelope")]
    [InlineData("mbs9.abc.def")]
    [InlineData("mbs1.x.y")]
    public void Malformed_envelopes_are_refused_with_a_clear_error(string envelope)
    {
        Assert.Throws<SecretDecryptionException>(() => _cipher.Open(new EncryptedSecret(envelope)));
    }

    [Theory]
    [InlineData("mbs1.{0}")]
    [InlineData("mbs1.{0}.AAAA.AAAA")]
    [InlineData("mbs1.{0}..")]
    public void An_envelope_of_other_than_three_parts_is_refused_even_with_the_right_version_and_key(string form)
    {
        var envelope = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, TestKeys.FingerprintOf(TestKeys.A));
        var malformed = new EncryptedSecret(envelope);

        var error = Assert.Throws<SecretDecryptionException>(() => _cipher.Open(malformed));
        Assert.Contains("not in a form", error.Message, StringComparison.Ordinal);
        Assert.Null(malformed.KeyFingerprint);
    }

    [Fact]
    public void A_sealed_secret_names_its_key_and_an_envelope_with_an_empty_fingerprint_names_none_that_opens()
    {
        Assert.Equal(TestKeys.FingerprintOf(TestKeys.A), _cipher.Seal(new SecretText("x")).KeyFingerprint);

        var unnamed = new EncryptedSecret("mbs1..AAAA");
        Assert.Equal("", unnamed.KeyFingerprint);
        Assert.Throws<SecretDecryptionException>(() => _cipher.Open(unnamed));
    }

    [Fact]
    public void Secrets_long_and_empty_open_to_what_was_sealed()
    {
        var lengths = new[] { 0, 1, 15, 16, 17, 1000, 70_000 };
        foreach (var length in lengths)
        {
            var text = string.Concat(Enumerable.Repeat("é✓x", length / 3 + 1))[..length];
            Assert.Equal(text, _cipher.Open(_cipher.Seal(new SecretText(text))).Reveal());
        }
    }

    [Fact]
    public void Secret_text_never_prints_its_value()
    {
        var secret = new SecretText("do-not-print");

        Assert.Equal("**redacted**", secret.ToString());
        Assert.DoesNotContain("do-not-print", $"{secret}", StringComparison.Ordinal);
    }
}
