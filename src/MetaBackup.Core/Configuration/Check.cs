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

        if (trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
        {
            throw new InvalidInputException($"The {field} must be at most {MaxNameLength} printable characters.");
        }

        return trimmed;
    }

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

    public static int Positive(int value, string field) =>
        value >= 1 ? value : throw new InvalidInputException($"The {field} must be at least 1; got {value}.");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex SlugPattern();
}
