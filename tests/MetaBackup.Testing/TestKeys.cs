using MetaBackup.Core.Secrets;

namespace MetaBackup.Testing;

/// <summary>Fixed, distinct system keys for tests (never used outside them).</summary>
public static class TestKeys
{
    public const string A = "1111111111111111111111111111111111111111111111111111111111111111";
    public const string B = "2222222222222222222222222222222222222222222222222222222222222222";
    public const string C = "3333333333333333333333333333333333333333333333333333333333333333";

    public static string FingerprintOf(string hex) => AesKey.FromHex(hex, "test").Fingerprint;
}
