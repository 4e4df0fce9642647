using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Tests.Configuration;

public sealed class CheckTests
{
    /// <summary>Every control character (char.IsControl: U+0000–U+001F, U+007F–U+009F) is refused inside a name, and only those.</summary>
    [Fact]
    public void A_name_holding_a_control_character_is_refused_and_every_other_character_passes()
    {
        for (var c = (char)0; c < 0x300; c++)
        {
            var name = $"db{c}one";
            if (char.IsControl(c))
            {
                var refused = Assert.Throws<InvalidInputException>(() => Check.Name(name, "name"));
                Assert.Contains("printable characters", refused.Message);
            }
            else
            {
                Assert.Equal(name, Check.Name(name, "name"));
            }
        }
    }

    [Fact]
    public void A_name_is_trimmed_and_an_empty_or_too_long_one_is_refused()
    {
        Assert.Equal("db one", Check.Name("  db one\t", "name"));
        Assert.Throws<InvalidInputException>(() => Check.Name(" \t ", "name"));
        Assert.Throws<InvalidInputException>(() => Check.Name(null, "name"));
        Assert.Equal(new string('a', Check.MaxNameLength), Check.Name(new string('a', Check.MaxNameLength), "name"));
        Assert.Throws<InvalidInputException>(() => Check.Name(new string('a', Check.MaxNameLength + 1), "name"));
    }
}
