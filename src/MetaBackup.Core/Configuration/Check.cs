using System.Text.RegularExpressions;

namespace MetaBackup.Core.Configuration;

/// <summary>Small input rules shared by every area, each failing with an <see cref="InvalidInputException"/> that names the field.</summary>
public static partial class Check
{
    public const int MaxNameLength = 200;

    /// <summary>A human-facing name: not blank, at most 200 characters, no control characters. Returns it trimmed.</summary>
    public static string Name(string? value, string field)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new InvalidInputException($"The {field} must not be empty.");
        }

        if (trimmed.Length > MaxNameLength || HasControlCharacter(trimmed))
        {
            throw new InvalidInputException($"The {field} must be at most {MaxNameLength} printable characters.");
        }

        return trimmed;
    }

    /// <summary>
    /// Whether any character is a control character (<see cref="char.IsControl(char)"/>: U+0000–U+001F and U+007F–U+009F),
    /// searched as a span rather than through LINQ, which allocated an enumerator for every name an import checks.
    /// </summary>
    private static bool HasControlCharacter(string text) =>
        text.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || text.AsSpan().ContainsAnyInRange('\u007F', '\u009F');

    /// <summary>A machine-facing identifier such as an SSO provider id: lower-case letters, digits, '-', '_' and '.'.</summary>
    public static string Slug(string? value, string field)
    {
        var trimmed = Name(value, field);
        if (!SlugPattern().IsMatch(trimmed))
        {
            throw new InvalidInputException(
                $"The {field} '{trimmed}' is not valid.",
                "Use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit.");
        }

        return trimmed;
    }

    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A five-field cron expression (or a macro such as <c>@daily</c>), trimmed; used by jobs and the Configuration Backup schedule.</summary>
    public static string Cron(string? value, string field)
    {
        var trimmed = value?.Trim() ?? "";
        try
        {
            Cronos.CronExpression.Parse(trimmed, Cronos.CronFormat.Standard);
            return trimmed;
        }
        catch (Cronos.CronFormatException e)
        {
            throw new InvalidInputException(
                $"The {field} '{trimmed}' is not a valid cron expression: {e.Message.Replace("'\0'", "the end", StringComparison.Ordinal)}",
                "Use five fields — minute hour day-of-month month day-of-week — e.g. \"0 3 * * *\" for 03:00 daily, or a macro such as @daily.");
        }
    }

    /// <summary>One of a fixed set of words.</summary>
    public static string OneOf(string? value, IReadOnlyList<string> allowed, string field) =>
        value is not null && allowed.Contains(value)
            ? value
            : throw new InvalidInputException($"Unknown {field} '{value}'.", $"Choose one of: {string.Join(", ", allowed)}.");

    public static int Positive(int value, string field) =>
        value >= 1 ? value : throw new InvalidInputException($"The {field} must be at least 1; got {value}.");

    /// <summary>As <see cref="Positive(int, string)"/> for the field "<paramref name="field"/> <paramref name="of"/>", named only when the value is refused.</summary>
    public static int Positive(int value, string field, string of) =>
        value >= 1 ? value : Positive(value, $"{field} {of}");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex SlugPattern();
}
