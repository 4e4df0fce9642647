using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Vault;

namespace MetaBackup.Core.Tests.Vault;

public sealed class RecoveryKitTests
{
    private readonly RecoveryKit _kit = new("01abc", "offsite", AesKey.Generate());

    [Fact]
    public void A_kit_reads_back_what_was_written()
    {
        var text = _kit.ToText(DateTimeOffset.UtcNow);

        var read = RecoveryKit.Parse(text, "kit.txt");

        Assert.Equal(_kit.ProfileId, read.ProfileId);
        Assert.Equal(_kit.ProfileName, read.ProfileName);
        Assert.Equal(_kit.Key.ToHex(), read.Key.ToHex());
        Assert.Contains("metabackup import", text, StringComparison.Ordinal);
        Assert.Contains("metabackup recover", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistyped_key_is_caught_by_the_fingerprint()
    {
        var hex = _kit.Key.ToHex();
        var wrongDigit = hex[0] == '0' ? '1' : '0';
        var text = _kit.ToText(DateTimeOffset.UtcNow).Replace($"key: {hex}", $"key: {wrongDigit}{hex[1..]}", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => RecoveryKit.Parse(text, "kit.txt"));

        Assert.Contains("does not match its fingerprint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("just some text")]
    [InlineData("-----BEGIN METABACKUP RECOVERY KIT-----\nformat: metabackup-recovery-kit/1\n-----END METABACKUP RECOVERY KIT-----")]
    public void Something_that_is_not_a_kit_is_refused_clearly(string text)
    {
        Assert.Throws<InvalidInputException>(() => RecoveryKit.Parse(text, "kit.txt"));
    }
}
