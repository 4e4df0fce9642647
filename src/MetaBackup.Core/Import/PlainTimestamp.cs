using System.Runtime.InteropServices;
using System.Text.Json;

namespace MetaBackup.Core.Import;

/// <summary>
/// The quick yes of the schema's <c>date-time</c> format for a timestamp written as an export writes one —
/// <c>2026-12-05T17:48:11.789+00:00</c> or <c>…Z</c> — read where it lies in the document. Every record carries several,
/// and the library's check of the format (a regular expression with a timeout, which reads the clock each time, and
/// half a dozen strings a value) was the larger part of validating a record (docs/performance.md, "Import"). This
/// check says yes only to text the library's check also accepts (<c>yyyy-MM-dd'T'HH:mm:ss</c>, an optional fraction of
/// one or more digits, then <c>Z</c> or an offset <c>±HH:mm</c>; a real day of a year from 1 to 9999, an hour to 23, a
/// minute and a second to 59, an offset's hour to 23): anything else — a leap second, another separator, an escaped
/// character, any doubt — is left to the library, whose verdict stands (<see cref="SchemaCompiler"/>).
/// </summary>
internal static class PlainTimestamp
{
    /// <summary>Whether <paramref name="instance"/> is a string the library's <c>date-time</c> check surely accepts.</summary>
    public static bool IsValid(JsonElement instance)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // The raw value of a string is its text between the quotes, as the document has it (escapes not undone).
        var raw = JsonMarshal.GetRawUtf8Value(instance);
        var text = raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"' ? raw[1..^1] : raw;
        if (text.Length < 20
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = text[19..];
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
            {
                digits++;
            }

            if (digits == 1)
            {
                return false;
            }

            rest = rest[digits..];
        }

        return rest switch
        {
            [(byte)'Z'] => true,
            [(byte)'+' or (byte)'-', _, _, (byte)':', _, _] => TryDigits(rest, 1, 2, out var offsetHour) && TryDigits(rest, 4, 2, out var offsetMinute)
                && offsetHour <= 23 && offsetMinute <= 59,
            _ => false,
        };
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit((char)text[i]))
            {
                return false;
            }

            value = value * 10 + text[i] - '0';
        }

        return true;
    }
}
