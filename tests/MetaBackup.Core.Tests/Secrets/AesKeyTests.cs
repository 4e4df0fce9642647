using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Testing;

namespace MetaBackup.Core.Tests.Secrets;

public sealed class AesKeyTests
{
    [Fact]
    public void Hex_round_trips_and_the_fingerprint_is_stable_and_not_the_key()
    {
        var key = AesKey.FromHex(TestKeys.A, "test");

        Assert.Equal(TestKeys.A, key.ToHex());
        Assert.Equal(32, key.Fingerprint.Length);
        Assert.Equal(key.Fingerprint, AesKey.FromHex(TestKeys.A.ToUpperInvariant(), "test").Fingerprint);
        Assert.DoesNotContain(key.Fingerprint, TestKeys.A, StringComparison.Ordinal);
        Assert.NotEqual(key.Fingerprint, AesKey.FromHex(TestKeys.B, "test").Fingerprint);
    }

    [Fact]
    public void Generated_keys_differ()
    {
        Assert.NotEqual(AesKey.Generate().Fingerprint, AesKey.Generate().Fingerprint);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz11111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("111111111111111111111111111111111111111111111111111111111111111111")]
    public void Malformed_hex_is_refused_naming_the_origin_but_not_the_text(string hex)
    {
        var error = Assert.Throws<InvalidInputException>(() => AesKey.FromHex(hex, "the file k.hex"));

        Assert.Contains("the file k.hex", error.Message, StringComparison.Ordinal);
        Assert.Contains("64 hexadecimal characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(hex, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Surrounding_whitespace_and_a_trailing_newline_are_accepted()
    {
        Assert.Equal(TestKeys.A, AesKey.FromHex($"  {TestKeys.A}\n", "test").ToHex());
    }
}
