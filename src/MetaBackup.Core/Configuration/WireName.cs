using System.Text.Json;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// The name an enum value has wherever it leaves the program as text — the CLI's <c>--json</c>, the API, the audit log,
/// a backup's header: its member name in camelCase (<c>Succeeded</c> → <c>succeeded</c>, <c>AlreadyPresent</c> →
/// <c>alreadyPresent</c>), exactly as the API's JSON writes the same value (docs/api.md, "Conventions"), so that a script
/// reading one front end's output reads the other's. Parsing accepts any case but never a number.
/// </summary>
public static class WireName
{
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue.TryGetValue(value, out var name) ? name : Name(value);

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order (for "X is one of …" messages).</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.InOrder;

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && Names<T>.ByName.TryGetValue(text, out value);
    }

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static class Names<T> where T : struct, Enum
    {
        public static readonly string[] InOrder = [.. Enum.GetValues<T>().Select(Name)];

        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, Name);

        public static readonly Dictionary<string, T> ByName = Enum.GetValues<T>().ToDictionary(Name, v => v, StringComparer.OrdinalIgnoreCase);
    }
}
